import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PolicyForm } from "~/components/policy-form";
import { listDistricts } from "~/domain/districts.server";
import { listPolicies, savePolicyDraft } from "~/domain/policies.server";
import { PolicySchema } from "~/forms/policies";
import { intent, runIntent } from "~/server/intent.server";
import { requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";
import { can } from "~/utils/permissions";
import { formatDate, formatNumber, toJalaliInput } from "~/utils/persian";
import { tehranToday } from "~/domain/charter";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "policy.publish");
  const [policies, districts, t] = await Promise.all([listPolicies(context.db), listDistricts(context.db), getT(request)]);
  return {
    title: t("policies.title"),
    policies,
    districts: districts.map((d) => ({ id: d.id, name: d.name })),
    today: toJalaliInput(tehranToday()),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, "policy.publish");
  return runIntent(await request.formData(), {
    create: intent({
      schema: PolicySchema,
      guard: () => can(user, "policy.publish"),
      run: async ({ audience, ...value }) => {
        const result = await savePolicyDraft(context.db, { actor: user, ...value, allDistricts: audience === "all" });
        return result.ok ? redirect(`/deputy/policies/${result.policyId}`) : result;
      },
      fields: {
        title_invalid: "title",
        body_invalid: "body",
        effective_invalid: "effectiveOn",
        audience_empty: "districtIds",
        district_unknown: "districtIds",
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function DeputyPolicies() {
  const { policies, districts, today } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  return (
    <main className="page">
      <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
        <Link to="/deputy">{t("policies.desk")}</Link>
      </nav>
      <h1>{t("policies.title")}</h1>
      {policies.length === 0 ? <p className="muted">{t("policies.none")}</p> : null}
      <ul className="list stack">
        {policies.map((p) => (
          <li key={p.id}>
            <Link to={`/deputy/policies/${p.id}`} className="card card--link policy-card">
              <strong dir="auto">{p.title}</strong>
              <span className="small muted">
                {p.publishedVersion > 0
                  ? t("policies.version_in_force", { version: formatNumber(p.publishedVersion, i18n.language) })
                  : t("policies.draft_only")}
                {p.hasDraft && p.publishedVersion > 0 ? ` · ${t("policies.has_draft")}` : null} · {formatDate(p.updatedAt, i18n.language)}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <section className="card stack" aria-labelledby="new-policy">
        <h2 id="new-policy">{t("policies.new")}</h2>
        <PolicyForm intent="create" districts={districts} defaultValue={{ effectiveOn: today }} submitLabel={t("policies.save_draft")} />
      </section>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
