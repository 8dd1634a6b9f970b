import { getFormProps } from "@conform-to/react";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, TextField } from "~/components/form-field";
import { startSignup } from "~/domain/auth.server";
import { SignupSchema } from "~/forms/auth";
import { getLocale, getT } from "~/utils/i18n.server";
import { PASSWORD_MAX, PASSWORD_MIN } from "~/utils/password-policy";
import { clientMeta } from "~/utils/request.server";
import { authRefusal } from "~/server/code-flow.server";
import { runForm } from "~/server/intent.server";
import { requireAnonymous } from "~/server/session.server";
import { DISPLAY_NAME_MAX } from "~/forms/fields";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  const t = await getT(request);
  return { title: t("auth.signup_title") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request, context);
  return runForm(await request.formData(), "signup", {
    schema: SignupSchema,
    hide: ["password"],
    run: async (value) => {
      const locale = await getLocale(request);
      const outcome = await startSignup(context, { ...value, locale, ip: clientMeta(request, context).ip });
      // The code could not be sent: the service is away (503), not the person's input.
      if (!outcome.ok) return authRefusal(outcome, 503);
      return redirect(`/verify?flow=${outcome.flowId}`);
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function SignupPage() {
  const reply = useIntentReply("signup");
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("signup", SignupSchema);
  const params = { ...reply?.params, min: PASSWORD_MIN, max: PASSWORD_MAX, nameMax: DISPLAY_NAME_MAX };

  return (
    <main className="page page--narrow">
      <div className="card auth-card">
        <h1>{t("auth.signup_title")}</h1>
        <p className="muted">{t("auth.signup_intro")}</p>
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} params={params} />
          <TextField
            field={fields.phone}
            label={t("auth.phone_label")}
            hint={t("auth.phone_hint")}
            type="tel"
            ltr
            errorParams={params}
            inputProps={{ inputMode: "tel", autoComplete: "tel", placeholder: t("auth.phone_placeholder") }}
          />
          <TextField
            field={fields.displayName}
            label={t("auth.display_name_label")}
            hint={t("auth.display_name_hint")}
            errorParams={params}
            inputProps={{ autoComplete: "name", maxLength: 200 }}
          />
          <TextField
            field={fields.password}
            label={t("auth.password_label")}
            hint={t("auth.password_hint", params)}
            type="password"
            ltr
            errorParams={params}
            inputProps={{ autoComplete: "new-password" }}
          />
          <button type="submit" className="button button--block" disabled={busy}>
            {busy ? t("common.sending") : t("auth.signup_submit")}
          </button>
        </Form>
        <p className="auth-card__footer">
          {t("auth.have_account")} <Link to="/login">{t("nav.sign_in")}</Link>
        </p>
      </div>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
