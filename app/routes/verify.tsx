import { getFormProps } from "@conform-to/react";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FlowNotFound, ResendCodeForm } from "~/components/code-flow";
import { FormErrors, Notice, TextField } from "~/components/form-field";
import { completeSignup, getFlowPhone } from "~/domain/auth.server";
import { VerifyCodeSchema } from "~/forms/auth";
import { NoFieldsSchema } from "~/forms/fields";
import { setFlash } from "~/utils/flash.server";
import { getLocale, getT } from "~/utils/i18n.server";
import { formatPhone } from "~/utils/persian";
import { authRefusal, resendFlowCode } from "~/server/code-flow.server";
import { intent, runIntent } from "~/server/intent.server";
import { clientMeta } from "~/utils/request.server";
import { commitSession, requireAnonymous } from "~/server/session.server";
import { queryField, readQuery } from "~/utils/query";

/** The code flow this page continues (an unknown or malformed one shows the "not found" notice). */
const FlowQuery = { flow: queryField.uuid(), resent: queryField.flag() };

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  const t = await getT(request);
  const url = new URL(request.url);
  const flowId = readQuery(url, FlowQuery).values.flow ?? "";
  const flow = await getFlowPhone(context, flowId, "signup");
  const locale = await getLocale(request);
  return {
    title: t("auth.verify_title"),
    flowId,
    known: Boolean(flow),
    resent: readQuery(url, FlowQuery).values.resent === "1",
    phone: flow ? formatPhone(flow.phone, { digits: locale === "fa" ? "fa" : "latn" }) : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request, context);
  const flowId = readQuery(request, FlowQuery).values.flow ?? "";
  return runIntent(
    await request.formData(),
    {
      verify: intent({
        schema: VerifyCodeSchema,
        run: async ({ code }) => {
          const outcome = await completeSignup(context, { flowId, code, ...clientMeta(request, context) });
          if (!outcome.ok) return authRefusal(outcome);
          const headers = new Headers();
          headers.append("Set-Cookie", await commitSession(context, outcome.sessionToken));
          headers.append("Set-Cookie", await setFlash("welcome"));
          return redirect("/", { headers });
        },
      }),
      resend: intent({ schema: NoFieldsSchema, run: () => resendFlowCode(request, context, flowId, "signup") }),
    },
    { otherwise: "verify" },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function VerifyPage() {
  const { flowId, known, phone, resent } = useLoaderData<typeof loader>();
  const params = useIntentReply("verify")?.params;
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("verify", VerifyCodeSchema);

  if (!known) return <FlowNotFound title={t("auth.verify_title")} restartTo="/signup" />;

  return (
    <main className="page page--narrow">
      <div className="card auth-card">
        <h1>{t("auth.verify_title")}</h1>
        <p>
          {t("auth.verify_intro")}{" "}
          <bdi dir="ltr" className="nowrap">
            {phone}
          </bdi>
        </p>
        {resent ? <Notice tone="success">{t("auth.code_resent")}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form" action={`/verify?flow=${flowId}`}>
          <FormErrors errors={form.errors} params={params} />
          <TextField
            field={fields.code}
            label={t("auth.code_label")}
            ltr
            errorParams={params}
            inputProps={{
              inputMode: "numeric",
              autoComplete: "one-time-code",
              maxLength: 12,
              className: "field__input field__input--code",
            }}
          />
          <button type="submit" name="intent" value="verify" className="button button--block" disabled={busy}>
            {t("auth.verify_submit")}
          </button>
        </Form>
        <ResendCodeForm action={`/verify?flow=${flowId}`} />
      </div>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
