import { useFetcher, type FetcherWithComponents } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { FormErrors } from "../form-field";
import { MESSAGE_MAX_LENGTH, REPORT_REASON_MAX } from "~/domain/thread-view";
import type { FormReply } from "~/forms/reply";
import { threadResultOf, type Ctx } from "./types";

/** Whether the page runs with JavaScript (false while rendered on the server and before hydration). */
export function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/**
 * One small form of the thread: posts to the thread's route; with JavaScript through a fetcher
 * (no navigation, the change arrives live), without it as a plain form that comes back here.
 */
export function ThreadForm({
  ctx,
  intent,
  messageId,
  children,
  className,
  onDone,
  plainErrors = true,
}: {
  ctx: Ctx;
  intent: string;
  messageId?: string;
  /** Whether a plain submission's refusal is shown here (forms repeated per row show it once, above). */
  plainErrors?: boolean;
  children: (fetcher: FetcherWithComponents<FormReply>, kept: (name: string) => string | undefined) => ReactNode;
  className?: string;
  onDone?: () => void;
}) {
  const fetcher = useFetcher<FormReply>();
  const answered = threadResultOf(fetcher.data);
  const doneRef = useRef(onDone);
  doneRef.current = onDone;
  useEffect(() => {
    if (fetcher.state === "idle" && answered?.ok) doneRef.current?.();
  }, [fetcher.state, answered?.ok, fetcher.data]);
  const plain =
    plainErrors && ctx.plainResult && ctx.plainResult.intent === intent && (ctx.plainResult.messageId ?? undefined) === messageId
      ? ctx.plainResult
      : null;
  const failure = answered && !answered.ok ? answered : plain;
  const kept = (name: string) => (plain?.kept ? plain.kept[name] : undefined);
  return (
    <fetcher.Form method="post" action={ctx.action} className={className ?? "thread-form"} noValidate>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="returnTo" value={`${ctx.returnTo}#${ctx.anchor}`} />
      {messageId ? <input type="hidden" name="messageId" value={messageId} /> : null}
      {ctx.hydrated ? <input type="hidden" name="_js" value="1" /> : null}
      {failure?.error ? (
        <FormErrors
          errors={[failure.error]}
          params={{
            max: failure.max ?? MESSAGE_MAX_LENGTH,
            seconds: failure.retryAfter ?? 0,
          }}
        />
      ) : null}
      {children(fetcher, kept)}
    </fetcher.Form>
  );
}

/** A thread form that is one button (delete, restore, pin, unpin, unlock…). */
export function ButtonForm({
  label,
  tone,
  children,
  ...form
}: {
  ctx: Ctx;
  intent: string;
  messageId?: string;
  onDone?: () => void;
  plainErrors?: boolean;
  label: string;
  tone: "ghost" | "danger";
  children?: ReactNode;
}) {
  return (
    <ThreadForm {...form}>
      {(fetcher) => (
        <>
          {children}
          <button type="submit" className={`button button--${tone} button--small`} disabled={fetcher.state !== "idle"}>
            {label}
          </button>
        </>
      )}
    </ThreadForm>
  );
}

/** A thread form that asks for a reason (report, hide, lock) and sends it with one button. */
export function ReasonForm({
  field,
  label,
  tone,
  ...form
}: {
  ctx: Ctx;
  intent: string;
  messageId?: string;
  onDone?: () => void;
  field: string;
  label: string;
  tone: "ghost" | "danger";
}) {
  return (
    <ThreadForm {...form}>
      {(fetcher, kept) => (
        <>
          <label className="field">
            <span className="field__label">{field}</span>
            <input name="reason" className="field__input" dir="auto" maxLength={REPORT_REASON_MAX} defaultValue={kept("reason")} />
          </label>
          <button type="submit" className={`button button--${tone} button--small`} disabled={fetcher.state !== "idle"}>
            {label}
          </button>
        </>
      )}
    </ThreadForm>
  );
}
