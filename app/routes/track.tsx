import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { Notice } from "~/components/form-field";
import { normalizeTrackingCode, trackCounterRequest } from "~/domain/counter-offices.server";
import { getT } from "~/utils/i18n.server";
import { formatDate, toPersianDigits } from "~/utils/persian";
import { readQuery } from "~/utils/query";

const Query = { code: z.string().max(40) };

/**
 * A tracking code (کد رهگیری) from a counter office, looked up by anyone without signing in: what
 * was done, on which proposal, at which office, when. Never who, never a number. Reading only.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const t = await getT(request);
  const { values } = readQuery(request, Query);
  const asked = values.code ?? null;
  const code = asked ? normalizeTrackingCode(asked) : null;
  const found = code ? await trackCounterRequest(context.db, code) : null;
  return {
    title: t("inbox.track.title"),
    asked,
    code,
    error: asked && !code ? "code_invalid" : code && !found ? "not_found" : null,
    found,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }, { name: "robots", content: "noindex" }];

export default function TrackPage() {
  const { asked, code, error, found } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const digits = (s: string) => (i18n.language === "fa" ? toPersianDigits(s) : s);
  return (
    <main className="page page--narrow">
      <section className="card stack">
        <h1>{t("inbox.track.title")}</h1>
        <p className="muted">{t("inbox.track.intro")}</p>
        <Form method="get" className="form" noValidate>
          <div className={`field${error === "code_invalid" ? " field--invalid" : ""}`}>
            <label htmlFor="track-code" className="field__label">
              {t("inbox.track.code")}
            </label>
            <input
              id="track-code"
              name="code"
              className="field__input"
              dir="ltr"
              inputMode="numeric"
              autoComplete="off"
              defaultValue={asked ?? ""}
              aria-invalid={error === "code_invalid" || undefined}
              aria-describedby={error === "code_invalid" ? "track-code-error" : undefined}
            />
            {error === "code_invalid" ? (
              <ul className="field__errors" id="track-code-error" role="alert">
                <li>{t("inbox.track.code_invalid")}</li>
              </ul>
            ) : null}
          </div>
          <button type="submit" className="button">
            {t("inbox.track.submit")}
          </button>
        </Form>
        {error === "not_found" ? <Notice tone="error">{t("inbox.track.not_found")}</Notice> : null}
        {found && code ? (
          <article className="track-result stack" aria-live="polite">
            <h2>{t("inbox.track.result_title", { code: digits(code) })}</h2>
            <p>
              <span className={`chip chip--${found.status === "done" ? "ok" : "warn"}`}>
                {t(found.status === "done" ? "inbox.track.status_done" : "inbox.track.status_refused")}
              </span>{" "}
              {found.outcome ? t(`inbox.track.outcome.${found.outcome}`, { defaultValue: "" }) : null}
            </p>
            <p dir="auto">{t("inbox.track.action_support", { number: found.proposalNumber, title: found.proposalTitle })}</p>
            <p>{t("inbox.track.office", { office: found.officeName })}</p>
            {found.confirmedAt ? (
              <p>{t("inbox.track.when", { when: formatDate(new Date(found.confirmedAt), i18n.language, "datetime") })}</p>
            ) : null}
            <p>{t("inbox.track.supports", { n: found.supportCount })}</p>
            <Link to={`/proposals/${found.proposalId}`}>{t("inbox.track.open_proposal")}</Link>
          </article>
        ) : null}
      </section>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
