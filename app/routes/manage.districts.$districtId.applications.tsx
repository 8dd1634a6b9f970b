import { getFormProps } from "@conform-to/react";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextAreaField } from "~/components/form-field";
import { RelativeTime } from "~/components/relative-time";
import { getDistrict } from "~/domain/districts.server";
import { decideApplication, getApplication, listDistrictApplications } from "~/domain/membership.server";
import { DecideSchema } from "~/forms/councils";
import { SERVER_EVENTS } from "~/realtime/events";
import { notifyAuthChanged, notifyCouncilChanged } from "~/realtime/notify.server";
import { useRoom } from "~/realtime/socket-provider";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { runForm } from "~/server/intent.server";
import { getT } from "~/utils/i18n.server";

async function guard({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  const user = await requireUserWith(request, context, "membership.decide", { kind: "district", districtId });
  return { user, districtId };
}

export async function loader(args: LoaderFunctionArgs) {
  const { districtId } = await guard(args);
  const { context, request } = args;
  const [district, queue, t] = await Promise.all([
    getDistrict(context.db, districtId),
    listDistrictApplications(context.db, districtId),
    getT(request),
  ]);
  return {
    title: `${t("manage.tab_applications")} · ${invariantFound(district).name}`,
    districtId,
    queue: queue.map((a) => ({
      id: a.id,
      applicantName: a.applicantName,
      neighborhoodName: a.neighborhoodName,
      statement: a.statement,
      createdAt: a.createdAt,
      councilActive: a.councilStatus === "active",
    })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const { user, districtId } = await guard(args);
  const { context, request } = args;
  return runForm(await request.formData(), "decide", {
    schema: DecideSchema,
    key: "applicationId",
    run: async (value) => {
      // The application must belong to this page's district; anything else looks like it does not exist.
      const application = await getApplication(context.db, value.applicationId);
      if (!application || application.districtId !== districtId) throw new Response("Not Found", { status: 404 });
      await requireUserWith(request, context, "membership.decide", { kind: "council", councilId: application.councilId, districtId });
      const outcome = await decideApplication(
        context.db,
        { actorId: user.id, ...value, seatLimit: context.env.COUNCIL_SEATS_PER_PERSON },
        context.requestId,
      );
      if (!outcome.ok) return outcome;
      if (value.decision === "approve") notifyAuthChanged(context.io, outcome.userId);
      notifyCouncilChanged(context.io, { id: outcome.councilId, districtId });
      return { ok: true, done: value.decision, resetForm: true };
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ApplicationQueue() {
  const { districtId, queue } = useLoaderData<typeof loader>();
  const actionData = useIntentReply<"approve" | "reject">("decide");
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  useRoom(`district-staff:${districtId}`, { [SERVER_EVENTS.districtChanged]: () => revalidator.revalidate() });
  // Decided meanwhile by someone else: its card is gone, so the answer is shown above the queue.
  const lostRace = actionData && !actionData.done && !queue.some((a) => a.id === actionData.key) ? actionData.result.error?.[""] : null;

  return (
    <section className="stack" aria-labelledby="queue-title">
      <h2 id="queue-title">{t("manage.applications_title")}</h2>
      {actionData?.done ? <Notice tone="success">{t(`manage.done_application_${actionData.done}`)}</Notice> : null}
      {lostRace?.includes("already_decided") ? (
        <Notice tone="info">{t("manage.already_decided_notice")}</Notice>
      ) : (
        <FormErrors errors={lostRace} />
      )}
      {queue.length === 0 ? (
        <p className="empty">{t("manage.applications_empty")}</p>
      ) : (
        <>
          <p className="muted small">{t("manage.applications_intro", { count: queue.length })}</p>
          <ul className="grid application-list">
            {queue.map((a) => (
              <li key={a.id}>
                <ApplicationCard application={a} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ApplicationCard({
  application,
}: {
  application: {
    id: string;
    applicantName: string;
    neighborhoodName: string;
    statement: string;
    createdAt: string | Date;
    councilActive: boolean;
  };
}) {
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("decide", DecideSchema, { key: application.id });
  return (
    <article className="card stack application">
      <header className="application__head">
        <strong dir="auto">{application.applicantName}</strong>
        <span className="muted small">
          <span>{t("manage.for_council_of", { name: application.neighborhoodName })}</span>
          {" · "}
          <RelativeTime value={application.createdAt} />
        </span>
      </header>
      {application.statement ? (
        <blockquote className="application__statement prose" dir="auto">
          {application.statement}
        </blockquote>
      ) : (
        <p className="muted small">{t("manage.no_statement")}</p>
      )}
      {!application.councilActive ? <p className="warn small">{t("manage.council_not_active_note")}</p> : null}
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} />
        <input type="hidden" name="applicationId" value={application.id} />
        <TextAreaField field={fields.reason} label={t("manage.decision_reason")} hint={t("manage.decision_reason_hint")} rows={2} />
        <div className="form__actions">
          <button type="submit" name="decision" value="approve" className="button" disabled={busy || !application.councilActive}>
            {t("manage.approve")}
          </button>
          <button type="submit" name="decision" value="reject" className="button button--danger" disabled={busy}>
            {t("manage.reject")}
          </button>
        </div>
      </Form>
    </article>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
