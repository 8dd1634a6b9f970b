import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formErrorsOf } from "~/forms/reply";
import { useIntentReply } from "./app-form";
import { FormErrors, Notice } from "./form-field";

/** Shown when a verification link points at no known request: say so, and offer a fresh start. */
export function FlowNotFound({ title, restartTo }: { title: string; restartTo: string }) {
  const { t } = useTranslation();
  return (
    <main className="page page--narrow">
      <div className="card auth-card">
        <h1>{title}</h1>
        <Notice tone="error">{t("errors.flow_unknown")}</Notice>
        <Link className="button" to={restartTo}>
          {t("auth.start_again")}
        </Link>
      </div>
    </main>
  );
}

/** "No code? Resend" — a plain form, so it works before JavaScript loads; a refusal shows above it. */
export function ResendCodeForm({ action }: { action: string }) {
  const { t } = useTranslation();
  const reply = useIntentReply("resend");
  return (
    <Form method="post" action={action} className="resend" noValidate>
      <FormErrors errors={formErrorsOf(reply)} params={reply?.params} />
      <span className="muted">{t("auth.no_code")}</span>{" "}
      <button type="submit" name="intent" value="resend" className="link-button">
        {t("auth.resend")}
      </button>
    </Form>
  );
}
