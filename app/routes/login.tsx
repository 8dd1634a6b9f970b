import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, TextField } from "~/components/form-field";
import { signIn } from "~/domain/auth.server";
import { LoginSchema } from "~/forms/auth";
import { safeRedirect } from "~/utils/safe-redirect";
import { setFlash } from "~/utils/flash.server";
import { getT } from "~/utils/i18n.server";
import { clientMeta, minutesFrom } from "~/utils/request.server";
import { commitSession, requireAnonymous } from "~/server/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  const t = await getT(request);
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  return { title: t("auth.login_title"), redirectTo };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request, context);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: LoginSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }), params: {} }, { status: 400 });
  }
  const outcome = await signIn(context, { ...submission.value, ...clientMeta(request, context) });
  if (!outcome.ok) {
    return data(
      {
        result: submission.reply({ formErrors: [outcome.error], hideFields: ["password"] }),
        params: { minutes: minutesFrom(outcome.retryAfterSeconds) },
      },
      { status: outcome.error === "rate_limited" ? 429 : 400 },
    );
  }
  const headers = new Headers();
  headers.append("Set-Cookie", await commitSession(context, outcome.sessionToken));
  headers.append("Set-Cookie", await setFlash("signed_in"));
  return redirect(safeRedirect(submission.value.redirectTo), { headers });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function LoginPage() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "login",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  });

  return (
    <main className="page page--narrow">
      <div className="card auth-card">
        <h1>{t("auth.login_title")}</h1>
        <Form method="post" {...getFormProps(form)} className="form">
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <FormErrors errors={form.errors} params={actionData?.params} />
          <TextField
            field={fields.phone}
            label={t("auth.phone_label")}
            type="tel"
            ltr
            inputProps={{ inputMode: "tel", autoComplete: "tel", placeholder: t("auth.phone_placeholder") }}
          />
          <TextField
            field={fields.password}
            label={t("auth.password_label")}
            type="password"
            ltr
            inputProps={{ autoComplete: "current-password" }}
          />
          <button type="submit" className="button button--block" disabled={busy}>
            {t("auth.login_submit")}
          </button>
        </Form>
        <p className="auth-card__footer">
          <Link to="/forgot-password">{t("auth.forgot_link")}</Link>
        </p>
        <p className="auth-card__footer">
          {t("auth.no_account")} <Link to="/signup">{t("nav.sign_up")}</Link>
        </p>
      </div>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
