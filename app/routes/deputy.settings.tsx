import { getFormProps } from "@conform-to/react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { Notice, TextField } from "~/components/form-field";
import { SURFACING_SETTINGS } from "~/domain/surfacing-rules";
import { SurfacingSettingsSchema } from "~/forms/desk";
import { runForm } from "~/server/intent.server";
import { getSurfacingSettings, SETTING_LIMITS, updateSurfacingSettings } from "~/domain/escalations.server";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";
import { toPersianDigits } from "~/utils/persian";

/** The thresholds at which threads come to the deputy's desk by themselves; the deputy keeps them. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "deputy.publish_policy");
  const t = await getT(request);
  return { title: t("desk.settings"), settings: await getSurfacingSettings(context.db), limits: SETTING_LIMITS };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, "deputy.publish_policy");
  return runForm(await request.formData(), "settings", {
    schema: SurfacingSettingsSchema,
    run: async (value) => {
      await updateSurfacingSettings(context.db, { ...value, actorId: user.id });
      return redirect("/deputy/settings?saved=1");
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function SurfacingSettingsPage() {
  const { settings, limits } = useLoaderData<typeof loader>();
  const result = useIntentReply("settings");
  const { t, i18n } = useTranslation();
  const shownValue = (n: number) => (i18n.language === "fa" ? toPersianDigits(n) : String(n));
  const [form, fields] = useIntentForm("settings", SurfacingSettingsSchema, {
    defaultValue: Object.fromEntries(SURFACING_SETTINGS.map((name) => [name, shownValue(settings[name])])),
  });
  const [params] = useSearchParams();

  const busy = useNavigation().state !== "idle";
  return (
    <main className="page page--narrow">
      <Breadcrumbs trail={[{ to: "/deputy", label: t("desk.title") }]} />
      <section className="card stack">
        <h1>{t("desk.settings")}</h1>
        <p className="muted">{t("desk.settings_intro")}</p>
        {params.get("saved") && !result ? <Notice tone="success">{t("desk.settings_saved")}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form">
          {SURFACING_SETTINGS.map((name) => (
            <TextField
              key={name}
              field={fields[name]}
              label={t(`desk.field.${name}`)}
              ltr
              inputProps={{ inputMode: "numeric" }}
              errorParams={limits[name]}
            />
          ))}
          <button type="submit" className="button" disabled={busy}>
            {t("desk.save_settings")}
          </button>
        </Form>
      </section>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
