import { allErrorsOf, type FormReply } from "~/forms/reply";
import { InvitationAnswerSchema } from "~/forms/councils";
import { intent, runIntent } from "~/server/intent.server";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/form-field";
import { useRootData } from "~/components/root-data";
import { RelativeTime } from "~/components/relative-time";
import { getCouncil } from "~/domain/councils.server";
import { myCouncils, respondToInvitation } from "~/domain/membership.server";
import { notifyCouncilChanged } from "~/realtime/notify.server";
import { getT } from "~/utils/i18n.server";
import { formatDate } from "~/utils/persian";
import { requireUser } from "~/server/session.server";

const DONE = ["accepted", "declined"] as const;

// These end reasons are already said by the seat's status; anything else is a person's words.
const SELF_EXPLAINED = new Set(["term_ended", "left"]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const [t, mine] = await Promise.all([getT(request), myCouncils(context.db, user.id, user.phone)]);
  return {
    title: t("my.title"),
    seats: mine.seats
      .filter((s) => s.status === "active")
      .map((s) => ({
        id: s.id,
        councilId: s.councilId,
        role: s.role,
        termNumber: s.termNumber,
        startedAt: s.startedAt,
        neighborhoodName: s.neighborhoodName,
      })),
    past: mine.seats
      .filter((s) => s.status !== "active")
      .map((s) => ({
        id: s.id,
        councilId: s.councilId,
        role: s.role,
        status: s.status as "ended" | "removed" | "left",
        termNumber: s.termNumber,
        endedAt: s.endedAt,
        reason: s.endReason && !SELF_EXPLAINED.has(s.endReason) ? s.endReason : null,
        neighborhoodName: s.neighborhoodName,
      })),
    applications: mine.applications.map((a) => ({
      id: a.id,
      councilId: a.councilId,
      status: a.status,
      reason: a.status === "rejected" ? a.reason : null,
      createdAt: a.createdAt,
      decidedAt: a.decidedAt,
      neighborhoodName: a.neighborhoodName,
    })),
    invitations: mine.invitations,
    followed: mine.followed,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const answer = (accept: boolean) =>
    intent({
      schema: InvitationAnswerSchema,
      key: "invitationId",
      run: async ({ invitationId }) => {
        // Only the person's own pending invitations can be answered; anything else was already answered.
        const { invitations } = await myCouncils(context.db, user.id, user.phone);
        const invitation = invitations.find((i) => i.id === invitationId);
        if (!invitation) return { ok: false, error: "invitation_decided" };
        const outcome = await respondToInvitation(
          context.db,
          { userId: user.id, phone: user.phone, invitationId, accept, seatLimit: context.env.COUNCIL_SEATS_PER_PERSON },
          context.requestId,
        );
        if (!outcome.ok) return { ok: false, error: outcome.error === "already_decided" ? "invitation_decided" : outcome.error };
        const council = await getCouncil(context.db, invitation.councilId);
        if (council) notifyCouncilChanged(context.io, council);
        return redirect(`/me/councils?done=${accept ? "accepted" : "declined"}`);
      },
    });
  return runIntent(await request.formData(), { accept: answer(true), decline: answer(false) });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function MyCouncilsPage() {
  const { seats, past, applications, invitations, followed } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as FormReply | undefined;
  // The refusal of one invitation's answer, shown on that invitation (or at the top once it is gone).
  const actionData = reply ? { invitationId: reply.key, error: allErrorsOf(reply)[0] ?? "" } : undefined;
  const { t, i18n } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [searchParams] = useSearchParams();
  const receivesPolicies = useRootData()?.user?.receivesPolicies ?? false;
  const done = DONE.find((d) => d === searchParams.get("done"));
  const date = (d: Date | string) => formatDate(d, i18n.language);
  const errorText = (code: string) =>
    i18n.exists(`council.own_errors.${code}`)
      ? t(`council.own_errors.${code}`)
      : t(`errors.${code}`, { defaultValue: t("errors.field_invalid") });
  // An error about an invitation no longer listed still needs to be seen.
  const orphanError = actionData && !invitations.some((i) => i.id === actionData.invitationId) ? actionData.error : null;

  return (
    <main className="page page--narrow my-councils">
      <header>
        <h1>{t("my.title")}</h1>
        <p className="muted">{t("my.intro")}</p>
        {/* Chairs (and managers) read the deputy's policies here too: the header's menu is hidden on phones. */}
        {receivesPolicies ? (
          <p>
            <Link to="/policies">{t("my.policies_link")}</Link>
          </p>
        ) : null}
      </header>
      {done ? <Notice tone="success">{t(`my.done.${done}`)}</Notice> : null}
      {orphanError ? (
        <div className="alert alert--error" role="alert">
          <p>{errorText(orphanError)}</p>
        </div>
      ) : null}

      <section className="card stack" aria-labelledby="invitations-title">
        <h2 id="invitations-title">{t("my.invitations_title")}</h2>
        {invitations.length === 0 ? (
          <p className="empty">{t("my.invitations_empty")}</p>
        ) : (
          <ul className="list">
            {invitations.map((inv) => (
              <li key={inv.id} className="list__item stack">
                <p>
                  {t("my.invitation_text", { name: `\u2068${inv.neighborhoodName}\u2069` })}{" "}
                  <span className="muted small">
                    <RelativeTime value={inv.createdAt} />
                  </span>
                </p>
                {actionData?.invitationId === inv.id ? (
                  <div className="alert alert--error" role="alert">
                    <p>{errorText(actionData.error)}</p>
                  </div>
                ) : null}
                <Form method="post" className="my-councils__actions" noValidate>
                  <input type="hidden" name="invitationId" value={inv.id} />
                  <button type="submit" name="intent" value="accept" className="button" disabled={busy}>
                    {t("my.accept")}
                  </button>
                  <button type="submit" name="intent" value="decline" className="button button--ghost" disabled={busy}>
                    {t("my.decline")}
                  </button>
                  <Link to={`/councils/${inv.councilId}`} className="small">
                    {t("council.view_council")}
                  </Link>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card stack" aria-labelledby="seats-title">
        <h2 id="seats-title">{t("my.seats_title")}</h2>
        {seats.length === 0 ? (
          <div className="empty">
            <p>{t("my.seats_empty")}</p>
            <Link to="/">{t("my.find_neighborhood")}</Link>
          </div>
        ) : (
          <ul className="list">
            {seats.map((s) => (
              <li key={s.id} className="list__item">
                <Link to={`/councils/${s.councilId}`} className="list__link">
                  <strong>
                    {t("my.council_of", { name: `\u2068${s.neighborhoodName}\u2069` })}
                    <span className="chip chip--accent">{t(`council.roles.${s.role}`)}</span>
                  </strong>
                  <span className="muted small">{t("my.seat_meta", { number: s.termNumber, date: date(s.startedAt) })}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card stack" aria-labelledby="applications-title">
        <h2 id="applications-title">{t("my.applications_title")}</h2>
        {applications.length === 0 ? (
          <p className="empty">{t("my.applications_empty")}</p>
        ) : (
          <ul className="list">
            {applications.map((a) => (
              <li key={a.id} className="list__item">
                <div className="my-councils__row">
                  <Link to={`/councils/${a.councilId}`}>{t("my.council_of", { name: `\u2068${a.neighborhoodName}\u2069` })}</Link>
                  <span className={`chip application-chip application-chip--${a.status}`}>{t(`my.application_status.${a.status}`)}</span>
                </div>
                <p className="muted small">
                  {t("my.sent")} <RelativeTime value={a.createdAt} />
                  {a.decidedAt && (a.status === "approved" || a.status === "rejected") ? (
                    <>
                      {t("history.separator")}
                      {t("my.decided")} <RelativeTime value={a.decidedAt} />
                    </>
                  ) : null}
                </p>
                {a.reason ? (
                  <p className="small">
                    {t("my.reason")}: <span dir="auto">{a.reason}</span>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card stack" aria-labelledby="followed-title">
        <h2 id="followed-title">{t("my.followed_title")}</h2>
        {followed.length === 0 ? (
          <div className="empty">
            <p>{t("my.followed_empty")}</p>
            <Link to="/">{t("my.find_neighborhood")}</Link>
          </div>
        ) : (
          <ul className="chips">
            {followed.map((n) => (
              <li key={n.id}>
                <Link to={`/neighborhoods/${n.id}`} className="chip chip--accent chip--link" dir="auto">
                  {n.name}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card stack" aria-labelledby="past-title">
        <h2 id="past-title">{t("my.past_title")}</h2>
        {past.length === 0 ? (
          <p className="empty">{t("my.past_empty")}</p>
        ) : (
          <ul className="list">
            {past.map((s) => (
              <li key={s.id} className="list__item">
                <div className="my-councils__row">
                  <Link to={`/councils/${s.councilId}`}>{t("my.council_of", { name: `\u2068${s.neighborhoodName}\u2069` })}</Link>
                  <span className="chip">{t(`my.end_status.${s.status}`)}</span>
                </div>
                <p className="muted small">
                  {t("my.past_meta", { role: t(`council.roles.${s.role}`), number: s.termNumber, date: s.endedAt ? date(s.endedAt) : "" })}
                </p>
                {s.reason ? (
                  <p className="small">
                    {t("my.reason")}: <span dir="auto">{s.reason}</span>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
