import { getFormProps, getInputProps } from "@conform-to/react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useIntentForm } from "~/components/app-form";
import { FormErrors, Notice, TextField } from "~/components/form-field";
import { NOTICE_KINDS, type NoticeKind } from "~/domain/notice-kinds";
import { getPreferences, savePreferences } from "~/domain/notifications.server";
import { InboxPreferencesSchema, minutesToHour } from "~/forms/inbox";
import { runForm } from "~/server/intent.server";
import { getT } from "~/utils/i18n.server";
import { toPersianDigits } from "~/utils/persian";
import { requireUser } from "~/server/session.server";

/** Which notices also come by SMS, and the hours SMS may arrive. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const t = await getT(request);
  return { title: t("inbox.pref.title"), preferences: await getPreferences(context.db, user.id) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return runForm(await request.formData(), "preferences", {
    schema: InboxPreferencesSchema,
    run: async (v) => {
      const sms = Object.fromEntries(NOTICE_KINDS.map((kind) => [kind, Boolean(v[`sms_${kind}`])])) as Record<NoticeKind, boolean>;
      const saved = await savePreferences(context.db, user.id, { smsOnly: v.smsOnly, smsFromMinute: v.from, smsUntilMinute: v.until, sms });
      if (!saved.ok) return saved;
      return redirect("/inbox/settings?saved=1");
    },
    fields: { hours_invalid: "from", hours_end_before_start: "until" },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function InboxSettings() {
  const { preferences } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const shown = (minutes: number | null) => (i18n.language === "fa" ? toPersianDigits(minutesToHour(minutes)) : minutesToHour(minutes));
  const [form, fields] = useIntentForm("preferences", InboxPreferencesSchema, {
    defaultValue: {
      smsOnly: preferences.smsOnly,
      from: shown(preferences.smsFromMinute),
      until: shown(preferences.smsUntilMinute),
      ...Object.fromEntries(NOTICE_KINDS.map((kind) => [`sms_${kind}`, preferences.sms[kind]])),
    } as never,
  });
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const box = (name: string) => fields[name as keyof typeof fields];

  return (
    <main className="page page--narrow">
      <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
        <Link to="/inbox">{t("inbox.title")}</Link>
      </nav>
      <section className="card stack">
        <h1>{t("inbox.pref.title")}</h1>
        <p className="muted">{t("inbox.pref.intro")}</p>
        {params.get("saved") && !form.errors?.length && form.status !== "error" ? (
          <Notice tone="success">{t("inbox.pref.saved")}</Notice>
        ) : null}
        {preferences.smsStopped ? <Notice>{t("inbox.pref.stopped")}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} />
          <div className="field field--check">
            <label className="check">
              <input {...getInputProps(fields.smsOnly, { type: "checkbox" })} key={fields.smsOnly.key} />
              <span>{t("inbox.pref.sms_only")}</span>
            </label>
            <p className="field__hint">{t("inbox.pref.sms_only_hint")}</p>
          </div>
          <fieldset className="fieldset">
            <legend>{t("inbox.pref.kinds")}</legend>
            {NOTICE_KINDS.map((kind) => {
              const field = box(`sms_${kind}`);
              return (
                <label key={kind} className="check">
                  <input {...getInputProps(field as never, { type: "checkbox" })} key={field.key} />
                  <span>{t(`inbox.pref.kind.${kind}`)}</span>
                </label>
              );
            })}
          </fieldset>
          <fieldset className="fieldset">
            <legend>{t("inbox.pref.hours")}</legend>
            <p className="field__hint">{t("inbox.pref.hours_hint")}</p>
            <div className="field-row">
              <TextField
                field={fields.from}
                label={t("inbox.pref.from")}
                ltr
                inputProps={{ inputMode: "numeric", placeholder: i18n.language === "fa" ? "۸:۰۰" : "8:00" }}
              />
              <TextField
                field={fields.until}
                label={t("inbox.pref.until")}
                ltr
                inputProps={{ inputMode: "numeric", placeholder: i18n.language === "fa" ? "۲۱:۰۰" : "21:00" }}
              />
            </div>
          </fieldset>
          <button type="submit" className="button" disabled={busy}>
            {t("common.save")}
          </button>
        </Form>
      </section>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
