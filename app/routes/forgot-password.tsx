import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, TextField } from "~/components/form-field";
import { startPasswordReset } from "~/domain/auth.server";
import { ForgotPasswordSchema } from "~/forms/auth";
import { getLocale, getT } from "~/utils/i18n.server";
import { clientMeta, minutesFrom } from "~/utils/request.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request);
  return { title: t("auth.forgot_title") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: ForgotPasswordSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), params: {} }, { status: 400 });
  }
  const outcome = await startPasswordReset(context, {
    phone: submission.value.phone,
    locale: await getLocale(request),
    ip: clientMeta(request, context).ip,
  });
  if (!outcome.ok) {
    return data(
      { result: submission.reply({ formErrors: [outcome.error] }), params: { minutes: minutesFrom(outcome.retryAfterSeconds) } },
      { status: outcome.error === "rate_limited" ? 429 : 503 },
    );
  }
  return redirect(`/reset-password?flow=${outcome.flowId}`);
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ForgotPasswordPage() {
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "forgot",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ForgotPasswordSchema }),
  });
  return (
    <main className="page page--narrow">
      <div className="card auth-card">
        <h1>{t("auth.forgot_title")}</h1>
        <p className="muted">{t("auth.forgot_intro")}</p>
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} params={actionData?.params} />
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
