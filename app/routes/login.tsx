import { getFormProps } from "@conform-to/react";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, TextField } from "~/components/form-field";
import { signIn } from "~/domain/auth.server";
import { LoginSchema } from "~/forms/auth";
import { safeRedirect } from "~/utils/safe-redirect";
import { setFlash } from "~/utils/flash.server";
import { getT } from "~/utils/i18n.server";
import { clientMeta } from "~/utils/request.server";
import { authRefusal } from "~/server/code-flow.server";
import { runForm } from "~/server/intent.server";
import { commitSession, requireAnonymous } from "~/server/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  const t = await getT(request);
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  return { title: t("auth.login_title"), redirectTo };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request, context);
  return runForm(await request.formData(), "login", {
    schema: LoginSchema,
    hide: ["password"],
    run: async (value) => {
      const outcome = await signIn(context, { ...value, ...clientMeta(request, context) });
      if (!outcome.ok) return authRefusal(outcome);
      const headers = new Headers();
      headers.append("Set-Cookie", await commitSession(context, outcome.sessionToken));
      headers.append("Set-Cookie", await setFlash("signed_in"));
      return redirect(safeRedirect(value.redirectTo), { headers });
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function LoginPage() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const reply = useIntentReply("login");
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("login", LoginSchema);

  return (
    <main className="page page--narrow">
      <div className="card auth-card">
        <h1>{t("auth.login_title")}</h1>
        <Form method="post" {...getFormProps(form)} className="form">
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <FormErrors errors={form.errors} params={reply?.params} />
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
