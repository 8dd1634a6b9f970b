import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useIntentReply } from "~/components/app-form";
import { FormErrors } from "~/components/form-field";
import { PolicyForm } from "~/components/policy-form";
import { listDistricts } from "~/domain/districts.server";
import { acknowledgementsOf, getPolicy, publishPolicy, savePolicyDraft } from "~/domain/policies.server";
import { NoFieldsSchema, PolicySchema } from "~/forms/policies";
import { formErrorsOf } from "~/forms/reply";
import { SERVER_EVENTS, type PolicyAcknowledgementsLive } from "~/realtime/events";
import { announcePolicy, publishPolicyAcknowledgements } from "~/realtime/meetings-notify.server";
import { useRoom } from "~/realtime/socket-provider";
import { intent, runIntent } from "~/server/intent.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { can } from "~/utils/permissions";
import { formatDate, formatNumber, toJalaliInput } from "~/utils/persian";

async function load(context: LoaderFunctionArgs["context"], id: string | undefined) {
  return invariantFound(isUuid(id) ? await getPolicy(context.db, id) : null);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "policy.publish");
  const { policy, versions, current } = await load(context, params.policyId);
  const [districts, status] = await Promise.all([listDistricts(context.db), acknowledgementsOf(context.db, policy.id)]);
  return {
    policy: { ...policy, effectiveOnJalali: toJalaliInput(policy.effectiveOn) },
    versions,
    current: current ? { version: current.version, body: current.body, title: current.title, effectiveOn: current.effectiveOn } : null,
    status,
    districts: districts.map((d) => ({ id: d.id, name: d.name })),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, "policy.publish");
  const { policy } = await load(context, params.policyId);
  const db = context.db;
  return runIntent(await request.formData(), {
    save: intent({
      schema: PolicySchema,
      guard: () => can(user, "policy.publish"),
      run: async ({ audience, ...value }) => {
        const result = await savePolicyDraft(db, { actor: user, policyId: policy.id, ...value, allDistricts: audience === "all" });
        return result.ok ? redirect(`/deputy/policies/${policy.id}`) : result;
      },
      fields: {
        title_invalid: "title",
        body_invalid: "body",
        effective_invalid: "effectiveOn",
        audience_empty: "districtIds",
        district_unknown: "districtIds",
      },
    }),
    publish: intent({
      schema: NoFieldsSchema,
      guard: () => can(user, "policy.publish"),
      run: async () => {
        const result = await publishPolicy(db, { actor: user, policyId: policy.id }, context.requestId);
        if (!result.ok) return result;
        // Persist first, then emit: the recipients' open pages and this page's "not yet" lists.
        await announcePolicy(context.io, db, policy.id, policy.title);
        await publishPolicyAcknowledgements(context.io, db, policy.id);
        return redirect(`/deputy/policies/${policy.id}`);
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.policy.title }];

export default function DeputyPolicy() {
  const data = useLoaderData<typeof loader>();
  const { policy, versions, current, districts } = data;
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const busy = useNavigation().state === "submitting";
  const publishErrors = formErrorsOf(useIntentReply("publish"));
  const [live, setLive] = useState<PolicyAcknowledgementsLive | null>(null);
  useRoom(`policy:${policy.id}`, { [SERVER_EVENTS.policyAcknowledgements]: (payload) => setLive(payload as PolicyAcknowledgementsLive) });
  // The live lists patch the loaded ones: an acknowledgement moves a name out of "not yet".
  const status =
    data.status && live && live.version === data.status.version
      ? {
          ...data.status,
          districts: data.status.districts.map((d) => {
            const acked = new Set(live.districts.find((l) => l.districtId === d.districtId)?.acknowledged ?? []);
            const recipients = d.recipients.map((r) =>
              acked.has(r.userId) && !r.acknowledgedAt ? { ...r, acknowledgedAt: new Date().toISOString() } : r,
            );
            return { ...d, recipients, notYet: recipients.filter((r) => !r.acknowledgedAt).length };
          }),
        }
      : data.status;
  return (
    <main className="page">
      <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
        <Link to="/deputy/policies">{t("policies.title")}</Link>
      </nav>
      <h1 dir="auto">{policy.title}</h1>
      <p className="muted small">
        {current ? t("policies.version_in_force", { version: n(current.version) }) : t("policies.draft_only")}
        {policy.hasDraft && current ? ` · ${t("policies.has_draft")}` : null}
      </p>
      {policy.hasDraft ? (
        <Form method="post" noValidate>
          <FormErrors errors={publishErrors} />
          <button type="submit" name="intent" value="publish" className="button" disabled={busy}>
            {current ? t("policies.publish_version", { version: n(current.version + 1) }) : t("policies.publish")}
          </button>
        </Form>
      ) : null}
      {status ? (
        <section className="card stack" aria-labelledby="not-yet">
          <h2 id="not-yet">{t("policies.not_yet_title", { version: n(status.version) })}</h2>
          <ul className="list stack" data-testid="not-yet">
            {status.districts.map((d) => (
              <li key={d.districtId} className="stack">
                <h3 className="policy-district">
                  {d.districtName}{" "}
                  <Link to={`/manage/districts/${d.districtId}/meetings`} className="small">
                    {t("desk.meeting_report")}
                  </Link>{" "}
                  <span className={`chip ${d.notYet ? "chip--warn" : "chip--accent"}`} data-testid={`not-yet-${d.districtId}`}>
                    {d.notYet ? t("policies.not_yet_count", { count: d.notYet, number: n(d.notYet) }) : t("policies.all_seen")}
                  </span>
                </h3>
                <ul className="list small">
                  {d.recipients.map((r) => (
                    <li key={r.userId}>
                      <span dir="auto">{r.name}</span> ·{" "}
                      {r.as === "manager" ? t("policies.as_manager") : t("policies.as_chair", { council: r.councilName ?? "" })} ·{" "}
                      {r.acknowledgedAt ? (
                        <span className="chip chip--accent">{t("policies.seen")}</span>
                      ) : (
                        <span className="chip chip--warn">{t("policies.not_seen")}</span>
                      )}
                    </li>
                  ))}
                  {d.recipients.length === 0 ? <li className="muted">{t("policies.no_recipients")}</li> : null}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card stack" aria-labelledby="draft">
        <h2 id="draft">{t("policies.edit_draft")}</h2>
        <PolicyForm
          intent="save"
          districts={districts}
          defaultValue={{
            title: policy.title,
            body: policy.body,
            effectiveOn: policy.effectiveOnJalali,
            audience: policy.allDistricts ? "all" : "chosen",
            districtIds: policy.districtIds,
            recipients: policy.recipients,
          }}
          submitLabel={t("policies.save_draft")}
        />
      </section>
      {versions.length ? (
        <section className="card stack">
          <h2>{t("policies.versions")}</h2>
          <ul className="list small">
            {versions.map((v) => (
              <li key={v.id}>
                {t("policies.version", { version: n(v.version) })} · <span dir="auto">{v.title}</span> ·{" "}
                {formatDate(v.publishedAt, i18n.language)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
