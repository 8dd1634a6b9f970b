import { getFormProps } from "@conform-to/react";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, TextField } from "~/components/form-field";
import { startPasswordReset } from "~/domain/auth.server";
import { ForgotPasswordSchema } from "~/forms/auth";
import { getLocale, getT } from "~/utils/i18n.server";
import { clientMeta } from "~/utils/request.server";
import { authRefusal } from "~/server/code-flow.server";
import { runForm } from "~/server/intent.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request);
  return { title: t("auth.forgot_title") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  return runForm(await request.formData(), "forgot", {
    schema: ForgotPasswordSchema,
    run: async ({ phone }) => {
      const outcome = await startPasswordReset(context, { phone, locale: await getLocale(request), ip: clientMeta(request, context).ip });
      if (!outcome.ok) return authRefusal(outcome, 503);
      return redirect(`/reset-password?flow=${outcome.flowId}`);
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ForgotPasswordPage() {
  const reply = useIntentReply("forgot");
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("forgot", ForgotPasswordSchema);
  return (
    <main className="page page--narrow">
      <div className="card auth-card">
        <h1>{t("auth.forgot_title")}</h1>
        <p className="muted">{t("auth.forgot_intro")}</p>
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} params={reply?.params} />
          <TextField
            field={fields.phone}
            label={t("auth.phone_label")}
            type="tel"
            ltr
            inputProps={{ inputMode: "tel", autoComplete: "tel", placeholder: t("auth.phone_placeholder") }}
          />
          <button type="submit" className="button button--block" disabled={busy}>
            {t("auth.forgot_submit")}
          </button>
        </Form>
        <p className="auth-card__footer">
          <Link to="/login">{t("auth.back_to_login")}</Link>
        </p>
      </div>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
