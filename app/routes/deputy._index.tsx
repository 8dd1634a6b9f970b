import { randomUUID } from "node:crypto";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useIntentForm } from "~/components/app-form";
import { FilterSelect, SelectField } from "~/components/choice-fields";
import { FormErrors, Notice, TextAreaField } from "~/components/form-field";
import { DeskStateSchema } from "~/forms/desk";
import { intent, runIntent } from "~/server/intent.server";
import { RelativeTime } from "~/components/relative-time";
import { CompactDigest } from "~/components/thread";
import { threadDigests } from "~/domain/threads/digest.server";
import {
  deskCounts,
  deskFilterOptions,
  deskItems,
  escalationHistory,
  setEscalationState,
  type DeskFilters,
} from "~/domain/escalations.server";
import { ESCALATION_STATES, MESSAGE_MAX_LENGTH, URGENCIES, type EscalationState, type SurfacingSignal } from "~/domain/thread-view";
import { SERVER_EVENTS } from "~/realtime/events";
import { notifyDeskChanged } from "~/realtime/notify.server";
import { useRoom } from "~/realtime/socket-provider";
import { requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";
import { queryField, readQuery } from "~/utils/query";
import { can, mayAnswerThread } from "~/utils/permissions";

/** The desk's filters as its address carries them, by one schema. */
const DeskQuery = {
  district: queryField.uuid(),
  neighborhood: queryField.uuid(),
  category: queryField.uuid(),
  urgency: queryField.oneOf(URGENCIES),
  state: queryField.oneOf(ESCALATION_STATES),
};

function filtersFrom(url: URL): { filters: DeskFilters; queryInvalid: boolean } {
  const { values, invalid } = readQuery(url, DeskQuery);
  return {
    filters: {
      districtId: values.district,
      neighborhoodId: values.neighborhood,
      categoryId: values.category,
      urgency: values.urgency as DeskFilters["urgency"],
      state: values.state as EscalationState | undefined,
    },
    queryInvalid: invalid.length > 0,
  };
}

/**
 * The culture and social deputy's desk: every thread escalated by a manager or chair, or surfaced
 * by its signals, with why it is here; live, filterable, each moved along with a note.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, context, "deputy.dashboard");
  const url = new URL(request.url);
  const { filters, queryInvalid } = filtersFrom(url);
  const [items, counts, options, t] = await Promise.all([
    deskItems(context.db, filters),
    deskCounts(context.db),
    deskFilterOptions(context.db),
    getT(request),
  ]);
  const history = await escalationHistory(
    context.db,
    items.map((i) => i.id),
  );
  // Each discussion's digest in short (kept in memory per thread, see threads/digest.server.ts).
  const discussed = items.filter((i) => i.messageCount > 0).map((i) => i.threadId);
  const digests = await threadDigests(context.db, user, discussed, await context.readMarks.lastReads(user.id, discussed));
  return {
    title: counts.new ? t("desk.title_with_count", { count: counts.new }) : t("desk.title"),
    filters,
    queryInvalid,
    counts,
    options,
    maySetPolicy: can(user, "deputy.publish_policy"),
    items: items.map((i) => ({
      ...i,
      title: i.proposalTitle ?? t("desk.council_thread", { name: i.neighborhoodName }),
      path: i.proposalId ? `/proposals/${i.proposalId}` : `/councils/${i.councilId}`,
      history: history.filter((h) => h.escalationId === i.id).slice(-6),
      answerKey: randomUUID(),
      // The official answer button shows only where the permission module allows the answer.
      mayAnswer: mayAnswerThread(user, { kind: i.threadKind }),
      digest: digests.get(i.threadId) ?? null,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, "deputy.dashboard");
  return runIntent(await request.formData(), {
    state: intent({
      schema: DeskStateSchema,
      key: "escalationId",
      run: async ({ escalationId, state, note }) => {
        const result = await setEscalationState(context.db, {
          escalationId,
          actorId: user.id,
          state,
          note: note || null,
          requestId: context.requestId,
        });
        if (!result.ok) return { ok: false, error: `desk_${result.error}`, status: result.error === "not_found" ? 404 : 409 };
        notifyDeskChanged(context.io, { escalatedBy: result.escalatedBy, threadId: result.threadId });
        const back = new URL(request.url);
        return redirect(`/deputy${back.search}#item-${escalationId}`);
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

function SignalText({ signal }: { signal: SurfacingSignal }) {
  const { t } = useTranslation();
  switch (signal.kind) {
    case "burst":
      return <>{t("desk.signal.burst", { recent: signal.recent, minutes: signal.windowMinutes, usual: signal.usualPerWindow })}</>;
    case "participants":
      return <>{t("desk.signal.participants", { count: signal.count, hours: signal.windowHours })}</>;
    case "reports":
      return <>{t("desk.signal.reports", { count: signal.count, hours: signal.windowHours })}</>;
  }
}

export default function DeputyDesk() {
  const { items, counts, options, filters, queryInvalid, maySetPolicy } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  // New items appear without reload: every instance tells the "deputy" room when the desk changes.
  useRoom("deputy", { [SERVER_EVENTS.deskChanged]: () => revalidator.revalidate() });
  const neighborhoods = options.neighborhoods.filter((n) => !filters.districtId || n.districtId === filters.districtId);

  return (
    <main className="page">
      <header className="stack">
        <h1>{t("desk.title")}</h1>
        <p className="muted">{t("desk.intro")}</p>
        {queryInvalid ? <Notice>{t("errors.query_invalid")}</Notice> : null}
        <ul className="chips" aria-label={t("desk.state_label")}>
          {(["new", "seen", "following", "resolved"] as const).map((s) => (
            <li key={s}>
              <Link to={`/deputy?state=${s}`} className={`chip desk-state desk-state--${s}`} data-count={counts[s]}>
                {t(`desk.state.${s}`)}: {t("common.count", { count: counts[s] })}
              </Link>
            </li>
          ))}
        </ul>
        {maySetPolicy ? (
          <p className="small">
            <Link to="/deputy/settings">{t("desk.settings")}</Link>
          </p>
        ) : null}
        <p className="small">
          <Link to="/deputy/policies">{t("policies.title")}</Link>
          {" · "}
          <Link to="/deputy/analytics">{t("analytics.title")}</Link>
        </p>
        {/* Each district's month of meetings: who met, minutes approved or late, absences. */}
        <nav className="small" aria-label={t("desk.meeting_reports")}>
          {t("desk.meeting_reports")}:{" "}
          {options.districts.map((d) => (
            <Link key={d.id} to={`/manage/districts/${d.id}/meetings`} className="chip" dir="auto">
              {d.name}
            </Link>
          ))}
        </nav>
      </header>

      <Form method="get" className="card desk-filters" aria-label={t("desk.filters")} noValidate>
        <FilterSelect
          layout="card"
          anyLabel={t("desk.all")}
          name="district"
          label={t("desk.district")}
          value={filters.districtId}
          options={options.districts}
        />
        <FilterSelect
          layout="card"
          anyLabel={t("desk.all")}
          name="neighborhood"
          label={t("desk.neighborhood")}
          value={filters.neighborhoodId}
          options={neighborhoods}
        />
        <FilterSelect
          layout="card"
          anyLabel={t("desk.all")}
          name="category"
          label={t("desk.category")}
          value={filters.categoryId}
          options={options.categories}
        />
        <FilterSelect
          layout="card"
          anyLabel={t("desk.all")}
          name="urgency"
          label={t("desk.urgency_label")}
          value={filters.urgency}
          options={URGENCIES.map((u) => ({ id: u, name: t(`desk.urgency.${u}`) }))}
        />
        <FilterSelect
          layout="card"
          anyLabel={t("desk.all")}
          name="state"
          label={t("desk.state_label")}
          value={filters.state}
          options={ESCALATION_STATES.map((s) => ({ id: s, name: t(`desk.state.${s}`) }))}
        />
        <button type="submit" className="button">
          {t("desk.apply_filters")}
        </button>
      </Form>

      {items.length ? (
        <ol className="list stack" aria-label={t("desk.title")}>
          {items.map((item) => (
            <li key={item.id} id={`item-${item.id}`} className="card desk-item" data-state={item.state}>
              <h2>
                <Link to={`${item.path}#thread`} dir="auto">
                  {item.title}
                </Link>
              </h2>
              <p className="small">
                <span className={`chip desk-state desk-state--${item.state}`}>{t(`desk.state.${item.state}`)}</span>{" "}
                <span className={`chip urgency--${item.urgency}`}>{t(`desk.urgency.${item.urgency}`)}</span>{" "}
                <span className="chip">{item.districtName}</span> <span className="chip">{item.neighborhoodName}</span>{" "}
                {item.categoryName ? <span className="chip">{item.categoryName}</span> : null}
              </p>
              <p className="small muted">
                {t("desk.messages", { count: item.messageCount })}
                {item.lastMessageAt ? (
                  <>
                    {t("history.separator")}
                    <RelativeTime value={item.lastMessageAt} />
                  </>
                ) : null}
              </p>
              {item.digest ? <CompactDigest digest={item.digest} /> : null}
              <div>
                <p className="small">
                  <strong>{t("desk.why")}</strong>
                </p>
                <ul className="desk-item__why small">
                  {item.escalatedAt ? (
                    <li>
                      {t("desk.escalated_by", { name: item.escalatedByName ?? t("thread.someone") })}
                      {item.note ? (
                        <>
                          {": "}
                          <span dir="auto">{item.note}</span>
                        </>
                      ) : null}
                    </li>
                  ) : null}
                  {item.signals.map((s, i) => (
                    <li key={i}>
                      <SignalText signal={s} />
                    </li>
                  ))}
                </ul>
              </div>
              {item.stateNote ? (
                <p className="small" dir="auto">
                  {item.stateNote}
                </p>
              ) : null}
              <details>
                <summary className="small">{t("desk.history")}</summary>
                <ol className="small">
                  {item.history.map((h) => (
                    <li key={h.id}>
                      {h.kind === "state"
                        ? t("desk.event.state", { state: t(`desk.state.${h.state}`) })
                        : h.kind === "escalated"
                          ? t("desk.event.escalated", { urgency: t(`desk.urgency.${h.urgency ?? "normal"}`) })
                          : t("desk.event.surfaced")}
                      {h.actorName ? ` · ${h.actorName}` : null} · <RelativeTime value={h.at} />
                      {h.note ? (
                        <>
                          {": "}
                          <span dir="auto">{h.note}</span>
                        </>
                      ) : null}
                    </li>
                  ))}
                </ol>
              </details>
              <div className="desk-item__tools">
                <DeskStateForm itemId={item.id} current={item.state} busy={busy} />
                {item.mayAnswer ? (
                  <Form method="post" action={`/threads/${item.threadId}`} className="thread-form" noValidate>
                    <input type="hidden" name="intent" value="post" />
                    <input type="hidden" name="official" value="1" />
                    <input type="hidden" name="clientKey" value={item.answerKey} />
                    <input type="hidden" name="returnTo" value={item.path} />
                    <label className="field">
                      <span className="field__label">{t("desk.answer_label")}</span>
                      <textarea
                        name="body"
                        className="field__input field__input--area"
                        dir="auto"
                        rows={3}
                        maxLength={MESSAGE_MAX_LENGTH}
                      />
                    </label>
                    <button type="submit" className="button button--ghost button--small" disabled={busy}>
                      {t("desk.answer_send")}
                    </button>
                  </Form>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <p className="empty">{t("desk.empty")}</p>
      )}
    </main>
  );
}

/** Moving one item to another state; its refusal shows here, what was typed kept. */
function DeskStateForm({ itemId, current, busy }: { itemId: string; current: EscalationState; busy: boolean }) {
  const { t } = useTranslation();
  const next = ESCALATION_STATES[Math.min(ESCALATION_STATES.indexOf(current) + 1, 3)];
  const [form, fields] = useIntentForm("state", DeskStateSchema, {
    key: itemId,
    defaultValue: { escalationId: itemId, state: next, note: "" },
  });
  return (
    <Form method="post" {...getFormProps(form)} className="thread-form">
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="state" />
      <input type="hidden" name="escalationId" value={itemId} />
      <SelectField
        field={fields.state}
        label={t("desk.move_to")}
        options={ESCALATION_STATES.map((s) => ({ value: s, label: t(`desk.state.${s}`) }))}
      />
      <TextAreaField field={fields.note} label={t("desk.state_note")} rows={2} />
      <button type="submit" className="button button--small" disabled={busy}>
        {t("desk.save_state")}
      </button>
    </Form>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
