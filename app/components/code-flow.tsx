import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "./form-field";

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

/** "No code? Resend" — a plain form, so it works before JavaScript loads. */
export function ResendCodeForm({ action }: { action: string }) {
  const { t } = useTranslation();
  return (
    <Form method="post" action={action} className="resend" noValidate>
      <span className="muted">{t("auth.no_code")}</span>{" "}
      <button type="submit" name="intent" value="resend" className="link-button">
        {t("auth.resend")}
      </button>
    </Form>
  );
}
