import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/form-field";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { getSurfacingSettings, SETTING_LIMITS, updateSurfacingSettings, type SurfacingSettings } from "~/domain/escalations.server";
import { requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";
import { foldDigits, toPersianDigits } from "~/utils/persian";

const FIELDS = Object.keys(SETTING_LIMITS) as (keyof SurfacingSettings)[];

/** The thresholds at which threads come to the deputy's desk by themselves; the deputy keeps them. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "deputy.publish_policy");
  const t = await getT(request);
  return { title: t("desk.settings"), settings: await getSurfacingSettings(context.db), limits: SETTING_LIMITS };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, "deputy.publish_policy");
  const form = await request.formData();
  const kept = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? "").slice(0, 20)]));
  const errors: Record<string, string> = {};
  const values = {} as SurfacingSettings;
  for (const field of FIELDS) {
    const n = Number(foldDigits(kept[field]!.trim()));
    const { min, max } = SETTING_LIMITS[field];
    if (!kept[field]!.trim() || !Number.isInteger(n) || n < min || n > max) errors[field] = "desk_setting_invalid";
    else values[field] = n;
  }
  if (Object.keys(errors).length) return data({ errors, kept }, { status: 400 });
  await updateSurfacingSettings(context.db, { ...values, actorId: user.id });
  return redirect("/deputy/settings?saved=1");
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function SurfacingSettingsPage() {
  const { settings, limits } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const shown = (n: number) => (i18n.language === "fa" ? toPersianDigits(n) : String(n));
  const busy = useNavigation().state !== "idle";
  return (
    <main className="page page--narrow">
      <Breadcrumbs trail={[{ to: "/deputy", label: t("desk.title") }]} />
      <section className="card stack">
        <h1>{t("desk.settings")}</h1>
        <p className="muted">{t("desk.settings_intro")}</p>
        {params.get("saved") && !result ? <Notice tone="success">{t("desk.settings_saved")}</Notice> : null}
        <Form method="post" className="form" noValidate>
          {FIELDS.map((field) => {
            const error = result?.errors[field];
            return (
              <div key={field} className={`field${error ? " field--invalid" : ""}`}>
                <label className="field__label" htmlFor={`s-${field}`}>
                  {t(`desk.field.${field}`)}
                </label>
                <input
                  id={`s-${field}`}
                  name={field}
                  className="field__input"
                  inputMode="numeric"
                  dir="ltr"
                  defaultValue={result?.kept[field] ?? shown(settings[field])}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `s-${field}-error` : undefined}
                />
                {error ? (
                  <ul className="field__errors" id={`s-${field}-error`} role="alert">
                    <li>{t(`errors.${error}`, { min: limits[field].min, max: limits[field].max })}</li>
                  </ul>
                ) : null}
              </div>
            );
          })}
          <button type="submit" className="button" disabled={busy}>
            {t("desk.save_settings")}
          </button>
        </Form>
      </section>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
