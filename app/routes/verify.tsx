import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FlowNotFound, ResendCodeForm } from "~/components/code-flow";
import { FormErrors, Notice, TextField } from "~/components/form-field";
import { completeSignup, getFlowPhone } from "~/domain/auth.server";
import { VerifyCodeSchema } from "~/forms/auth";
import { setFlash } from "~/utils/flash.server";
import { getLocale, getT } from "~/utils/i18n.server";
import { formatPhone } from "~/utils/persian";
import { handleResend } from "~/server/code-flow.server";
import { clientMeta, minutesFrom } from "~/utils/request.server";
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
  const formData = await request.formData();
  const meta = clientMeta(request, context);

  if (formData.get("intent") === "resend") return handleResend(request, context, flowId, "signup");

  const submission = parseWithZod(formData, { schema: VerifyCodeSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), params: {} }, { status: 400 });
  }
  const outcome = await completeSignup(context, { flowId, code: submission.value.code, ...meta });
  if (!outcome.ok) {
    return data(
      {
        result: submission.reply({ formErrors: [outcome.error] }),
        params: { minutes: minutesFrom(outcome.retryAfterSeconds), count: outcome.attemptsLeft ?? 0 },
      },
      { status: outcome.error === "code_locked" ? 429 : 400 },
    );
  }
  const headers = new Headers();
  headers.append("Set-Cookie", await commitSession(context, outcome.sessionToken));
  headers.append("Set-Cookie", await setFlash("welcome"));
  return redirect("/", { headers });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function VerifyPage() {
  const { flowId, known, phone, resent } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "verify",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: VerifyCodeSchema }),
  });
  const params = actionData?.params;

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
