import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { DigestBody } from "~/components/thread";
import { DIGEST_MIN_MESSAGES, threadDigest } from "~/domain/threads/digest.server";
import { getThread } from "~/domain/threads/lookup.server";
import { invariantFound, isUuid } from "~/server/guards.server";
import { getUser } from "~/server/session.server";
import { getT } from "~/utils/i18n.server";

/**
 * A discussion's digest on a page of its own (the deputy's desk links here): for whoever may read
 * the discussion, and not found for anyone else. Reading it does not move the reader's place.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const id = invariantFound(isUuid(params.threadId) ? params.threadId : null);
  const user = await getUser(request, context);
  const thread = invariantFound(await getThread(context.db, id));
  const lastReadSeq = user ? ((await context.readMarks.lastReads(user.id, [thread.id])).get(thread.id) ?? null) : null;
  const result = await threadDigest(context.db, user, thread, { lastReadSeq });
  if (!result.ok) throw new Response("Not Found", { status: 404 });
  const t = await getT(request);
  const heading = thread.kind === "commission" ? (thread.commissionName ?? "") : thread.title;
  return {
    digest: result.digest,
    title: t("digest.page_title", { title: heading }),
    threadTitle: thread.title,
    kind: thread.kind,
    homePath: thread.homePath,
    short: thread.messageCount <= DIGEST_MIN_MESSAGES,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ThreadDigestPage() {
  const { digest, title, threadTitle, kind, homePath, short } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <main className="page page--narrow">
      <Breadcrumbs
        trail={[
          { to: homePath, label: t(`thread.back.${kind}`, { title: threadTitle }) },
          { to: `/threads/${digest.threadId}`, label: t("digest.back") },
        ]}
      />
      <section className="card stack digest-page" aria-labelledby="digest-title">
        <h1 id="digest-title" dir="auto">
          {title}
        </h1>
        <p className="muted small">{t("digest.intro")}</p>
        {short ? <p className="small">{t("digest.too_short")}</p> : null}
        <p>
          {t("digest.messages", { count: digest.messages })}
          {t("history.separator")}
          {t("digest.participants", { count: digest.participants })}
        </p>
        <DigestBody digest={digest} />
        <p>
          <Link className="button button--ghost" to={`/threads/${digest.threadId}`}>
            {t("digest.back")}
          </Link>
        </p>
      </section>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
