import { getFormProps } from "@conform-to/react";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FlowNotFound, ResendCodeForm } from "~/components/code-flow";
import { FormErrors, Notice, TextField } from "~/components/form-field";
import { completePasswordReset, getFlowPhone } from "~/domain/auth.server";
import { ResetPasswordSchema } from "~/forms/auth";
import { NoFieldsSchema } from "~/forms/fields";
import { setFlash } from "~/utils/flash.server";
import { getLocale, getT } from "~/utils/i18n.server";
import { PASSWORD_MAX, PASSWORD_MIN } from "~/utils/password-policy";
import { formatPhone } from "~/utils/persian";
import { authRefusal, resendFlowCode } from "~/server/code-flow.server";
import { intent, runIntent } from "~/server/intent.server";
import { clientMeta } from "~/utils/request.server";
import { commitSession } from "~/server/session.server";
import { queryField, readQuery } from "~/utils/query";

/** The code flow this page continues (an unknown or malformed one shows the "not found" notice). */
const FlowQuery = { flow: queryField.uuid(), resent: queryField.flag() };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const t = await getT(request);
  const url = new URL(request.url);
  const flowId = readQuery(url, FlowQuery).values.flow ?? "";
  const flow = await getFlowPhone(context, flowId, "reset");
  const locale = await getLocale(request);
  return {
    title: t("auth.reset_title"),
    flowId,
    known: Boolean(flow),
    resent: readQuery(url, FlowQuery).values.resent === "1",
    phone: flow ? formatPhone(flow.phone, { digits: locale === "fa" ? "fa" : "latn" }) : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const flowId = readQuery(request, FlowQuery).values.flow ?? "";
  return runIntent(
    await request.formData(),
    {
      reset: intent({
        schema: ResetPasswordSchema,
        hide: ["password"],
        run: async (value) => {
          const outcome = await completePasswordReset(context, { flowId, ...value, ...clientMeta(request, context) });
          if (!outcome.ok) return authRefusal(outcome);
          const headers = new Headers();
          headers.append("Set-Cookie", await commitSession(context, outcome.sessionToken));
          headers.append("Set-Cookie", await setFlash("password_reset"));
          return redirect("/", { headers });
        },
      }),
      resend: intent({ schema: NoFieldsSchema, run: () => resendFlowCode(request, context, flowId, "reset") }),
    },
    { otherwise: "reset" },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ResetPasswordPage() {
  const { flowId, known, phone, resent } = useLoaderData<typeof loader>();
  const reply = useIntentReply("reset");
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("reset", ResetPasswordSchema);
  const params = { ...reply?.params, min: PASSWORD_MIN, max: PASSWORD_MAX };

  if (!known) return <FlowNotFound title={t("auth.reset_title")} restartTo="/forgot-password" />;
  return (
    <main className="page page--narrow">
      <div className="card auth-card">
        <h1>{t("auth.reset_title")}</h1>
        <p>
          {t("auth.reset_intro")}{" "}
          <bdi dir="ltr" className="nowrap">
            {phone}
          </bdi>
        </p>
        {resent ? <Notice tone="success">{t("auth.code_resent")}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form" action={`/reset-password?flow=${flowId}`}>
          <FormErrors errors={form.errors} params={params} />
          <TextField
            field={fields.code}
            label={t("auth.code_label")}
            ltr
            errorParams={params}
            inputProps={{ inputMode: "numeric", autoComplete: "one-time-code", maxLength: 12 }}
          />
          <TextField
            field={fields.password}
            label={t("auth.new_password_label")}
            hint={t("auth.password_hint", params)}
            type="password"
            ltr
            errorParams={params}
            inputProps={{ autoComplete: "new-password" }}
          />
          <button type="submit" name="intent" value="reset" className="button button--block" disabled={busy}>
            {t("auth.reset_submit")}
          </button>
        </Form>
        <ResendCodeForm action={`/reset-password?flow=${flowId}`} />
      </div>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
