import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Thread } from "~/components/thread";
import type { FormReply } from "~/forms/reply";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { invariantFound, isUuid } from "~/server/guards.server";
import { getUser, requireUser } from "~/server/session.server";
import { threadAction, threadBundle } from "~/server/thread.server";
import { liveShouldRevalidate } from "~/realtime/live";

/**
 * A thread on a page of its own: where its forms post, where "earlier messages" lead without
 * JavaScript, and where a commission's review thread is read.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const id = invariantFound(isUuid(params.threadId) ? params.threadId : null);
  const user = await getUser(request, context);
  return { thread: await threadBundle(context, request, user, id) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const id = invariantFound(isUuid(params.threadId) ? params.threadId : null);
  const user = await requireUser(request, context);
  return threadAction(context, request, user, id);
}

/** A message posted here is shown from its numbered event: no loader run for it. */
export const shouldRevalidate = liveShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.thread.title }];

export default function ThreadPage() {
  const { thread } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as FormReply | undefined;
  const { t } = useTranslation();
  return (
    <main className="page page--narrow">
      <Breadcrumbs trail={[{ to: thread.homePath, label: t(`thread.back.${thread.kind}`, { title: thread.title }) }]} />
      <Thread
        bundle={thread}
        returnTo={`/threads/${thread.id}`}
        plainResult={result ?? null}
        heading={t(`thread.heading.${thread.kind}`, { title: thread.kind === "commission" ? (thread.commissionName ?? "") : thread.title })}
      />
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
