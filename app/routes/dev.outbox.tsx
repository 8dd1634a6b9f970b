import { getFormProps } from "@conform-to/react";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { RelativeTime } from "~/components/relative-time";
import { listInbound, receiveSms } from "~/domain/sms-inbound.server";
import { InboundReplySchema } from "~/forms/inbox";
import { publishProposalState } from "~/realtime/live.server";
import { mayReadOutbox } from "~/server/dev-outbox.server";
import { runForm } from "~/server/intent.server";
import { getT } from "~/utils/i18n.server";
import { formatPhone } from "~/utils/persian";
import { listOutbox } from "~/utils/sms.server";

/**
 * Development only: the text messages the local SMS provider would have sent, so a person trying
 * the app can read their verification code, and a form to answer as a phone would (an inbound
 * text). In production this page does not exist; outside production it exists for the machine
 * itself only (loopback clients), since its codes open accounts.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!mayReadOutbox(context.env, context.fromLoopback)) {
    throw new Response("Not Found", { status: 404 });
  }
  const t = await getT(request);
  const [messages, inbound] = await Promise.all([listOutbox(context.db, 30), listInbound(context.db, 10)]);
  return { title: t("outbox.title"), messages, inbound };
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (!mayReadOutbox(context.env, context.fromLoopback)) {
    throw new Response("Not Found", { status: 404 });
  }
  return runForm(await request.formData(), "reply", {
    schema: InboundReplySchema,
    run: async ({ from, body }) => {
      // The local provider names each message itself, as a real gateway does.
      const received = await receiveSms(
        context.db,
        { provider: "local", providerMessageId: globalThis.crypto.randomUUID(), from, body },
        { seatLimit: context.env.COUNCIL_SEATS_PER_PERSON },
      );
      if (received.proposalId) publishProposalState(context.io, context.db, received.proposalId);
      await context.inbox.drain();
      return { ok: true, done: received.outcome, resetForm: true };
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }, { name: "robots", content: "noindex" }];

export default function DevOutbox() {
  const { messages, inbound } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { revalidate } = useRevalidator();
  const [form, fields] = useIntentForm("reply", InboundReplySchema);
  const reply = useIntentReply("reply");
  useEffect(() => {
    const timer = setInterval(revalidate, 3000);
    return () => clearInterval(timer);
  }, [revalidate]);
  const phone = (p: string) => formatPhone(p, { digits: i18n.language === "fa" ? "fa" : "latn" });
  return (
    <main className="page page--narrow">
      <h1>{t("outbox.title")}</h1>
      <p className="muted">{t("outbox.intro")}</p>
      <section className="card stack">
        <h2>{t("outbox_reply.title")}</h2>
        {reply?.done ? <Notice tone="success">{t("outbox_reply.sent", { outcome: reply.done })}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} />
          <TextField
            field={fields.from}
            label={t("outbox_reply.from")}
            type="tel"
            ltr
            inputProps={{ inputMode: "tel", autoComplete: "off" }}
          />
          <TextAreaField field={fields.body} label={t("outbox_reply.body")} rows={2} />
          <button type="submit" className="button">
            {t("outbox_reply.submit")}
          </button>
        </Form>
      </section>
      {messages.length === 0 ? (
        <p className="empty">{t("outbox.empty")}</p>
      ) : (
        <ul className="list">
          {messages.map((m) => (
            <li key={m.id} className="list__item sms">
              <div className="muted small">
                <bdi dir="ltr">{phone(m.toPhone)}</bdi> · <RelativeTime value={m.createdAt} />
              </div>
              <p className="sms__body" dir="auto">
                {m.body}
              </p>
            </li>
          ))}
        </ul>
      )}
      {inbound.length ? (
        <section className="stack">
          <h2>{t("outbox_reply.inbound")}</h2>
          <ul className="list">
            {inbound.map((m) => (
              <li key={m.id} className="list__item sms sms--inbound">
                <div className="muted small">
                  <bdi dir="ltr">{m.fromRaw}</bdi> · <RelativeTime value={m.receivedAt} /> · {m.outcome}
                </div>
                <p className="sms__body" dir="auto">
                  {m.body}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
