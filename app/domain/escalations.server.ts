import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { recordNotice, threadSubject } from "./notifications.server";
import { queryRows, type Db } from "../../db/client.server";
import {
  categories,
  councils,
  districts,
  escalationEvents,
  escalations,
  neighborhoods,
  proposals,
  surfacingSettings,
  threads,
  users,
  type EscalationState,
  type SurfacingSignal,
  type Urgency,
} from "../../db/schema";
import { recordAudit } from "./audit.server";
import { Refusal, refusalOf, type Refused } from "./refusal.server";

export type EscalationError = "not_found" | "same_state" | "note_required";
type Fail = Refused<EscalationError>;

export type SurfacingSettings = Omit<typeof surfacingSettings.$inferSelect, "id" | "updatedBy" | "updatedAt">;

export { SETTING_LIMITS } from "./surfacing-rules";

export async function getSurfacingSettings(db: Db): Promise<SurfacingSettings> {
  const [row] = await db.select().from(surfacingSettings).where(eq(surfacingSettings.id, 1));
  if (row) {
    const { id: _id, updatedBy: _by, updatedAt: _at, ...settings } = row;
    return settings;
  }
  // The migration writes the row; this covers a table emptied by hand.
  await db.insert(surfacingSettings).values({ id: 1 }).onConflictDoNothing();
  return getSurfacingSettings(db);
}

export async function updateSurfacingSettings(db: Db, input: SurfacingSettings & { actorId: string }) {
  const { actorId, ...settings } = input;
  await db.transaction(async (tx) => {
    await tx
      .insert(surfacingSettings)
      .values({ id: 1, ...settings, updatedBy: actorId })
      .onConflictDoUpdate({ target: surfacingSettings.id, set: { ...settings, updatedBy: actorId, updatedAt: sql`now()` } });
    await recordAudit(tx, { actorId, action: "surfacing.settings", subjectType: "settings", data: settings });
  });
}

/** Where a thread lives, for an item on the deputy's desk. */
async function placeOf(db: Db, threadId: string) {
  const [row] = await db
    .select({
      districtId: threads.districtId,
      neighborhoodId: threads.neighborhoodId,
      councilId: threads.councilId,
      kind: threads.kind,
      categoryId: proposals.categoryId,
    })
    .from(threads)
    .leftJoin(proposals, eq(proposals.id, threads.proposalId))
    .where(eq(threads.id, threadId));
  return row ?? null;
}

/**
 * A manager or chair sends a thread to the deputy with a note and an urgency. One item per thread:
 * escalating again updates the note and urgency, and brings a resolved item back as new.
 */
export async function escalateThread(
  db: Db,
  input: { threadId: string; actorId: string; note: string; urgency: Urgency; requestId?: string | null },
): Promise<{ ok: true; escalationId: string; created: boolean } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const place = await placeOf(tx, input.threadId);
      if (!place || place.kind === "commission") throw new Refusal<EscalationError>("not_found");
      const [row] = await tx
        .insert(escalations)
        .values({
          threadId: input.threadId,
          districtId: place.districtId,
          neighborhoodId: place.neighborhoodId,
          categoryId: place.categoryId ?? null,
          urgency: input.urgency,
          note: input.note,
          escalatedBy: input.actorId,
          escalatedAt: sql`now()`,
        })
        .onConflictDoUpdate({
          target: escalations.threadId,
          set: {
            urgency: input.urgency,
            note: input.note,
            escalatedBy: input.actorId,
            escalatedAt: sql`now()`,
            state: sql`case when ${escalations.state} = 'resolved' then 'new' else ${escalations.state} end`,
            stateChangedAt: sql`case when ${escalations.state} = 'resolved' then now() else ${escalations.stateChangedAt} end`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ id: escalations.id, created: sql<boolean>`(xmax = 0)` });
      await tx.insert(escalationEvents).values({
        escalationId: row!.id,
        actorId: input.actorId,
        kind: "escalated",
        urgency: input.urgency,
        note: input.note,
      });
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "thread.escalate",
        subjectType: "thread",
        subjectId: input.threadId,
        districtId: place.districtId,
        councilId: place.councilId,
        reason: input.note,
        data: { urgency: input.urgency },
        requestId: input.requestId ?? null,
      });
      return { ok: true as const, escalationId: row!.id, created: Boolean(row!.created) };
    }),
  );
}

/** The signals of one thread right now, under the settings. */
export async function threadSignals(db: Db, threadId: string, settings: SurfacingSettings): Promise<SurfacingSignal[]> {
  const [row] = await queryRows<{ recent: number; prior: number; participants: number; reports: number }>(
    db,
    sql`select
      (select count(*) from thread_messages m where m.thread_id = ${threadId}
         and m.created_at > now() - make_interval(mins => ${settings.burstWindowMinutes}))::int as recent,
      (select count(*) from thread_messages m where m.thread_id = ${threadId}
         and m.created_at > now() - interval '7 days'
         and m.created_at <= now() - make_interval(mins => ${settings.burstWindowMinutes}))::int as prior,
      (select count(distinct m.author_id) from thread_messages m where m.thread_id = ${threadId}
         and m.created_at > now() - make_interval(hours => ${settings.participantsWindowHours}))::int as participants,
      (select count(*) from message_reports r join thread_messages m on m.id = r.message_id where m.thread_id = ${threadId}
         and r.created_at > now() - make_interval(hours => ${settings.reportsWindowHours}))::int as reports`,
  );
  const signals: SurfacingSignal[] = [];
  const recent = Number(row!.recent);
  const windowsInWeek = Math.max(1, (7 * 24 * 60 - settings.burstWindowMinutes) / settings.burstWindowMinutes);
  const usualPerWindow = Number(row!.prior) / windowsInWeek;
  if (recent >= settings.burstMinMessages && recent >= settings.burstFactor * Math.max(usualPerWindow, 1)) {
    signals.push({
      kind: "burst",
      recent,
      usualPerWindow: Math.round(usualPerWindow * 10) / 10,
      windowMinutes: settings.burstWindowMinutes,
    });
  }
  if (Number(row!.participants) >= settings.participantsMin) {
    signals.push({ kind: "participants", count: Number(row!.participants), windowHours: settings.participantsWindowHours });
  }
  if (Number(row!.reports) >= settings.reportsMin) {
    signals.push({ kind: "reports", count: Number(row!.reports), windowHours: settings.reportsWindowHours });
  }
  return signals;
}

/**
 * Looks at a thread after it changed and puts it on the deputy's desk when its signals say so.
 * An open item gets the new reasons; a resolved one comes back only for a signal of a later window.
 * Returns whether the desk changed.
 */
export async function surfaceIfSignalled(db: Db, threadId: string): Promise<boolean> {
  const settings = await getSurfacingSettings(db);
  const signals = await threadSignals(db, threadId, settings);
  if (!signals.length) return false;
  const place = await placeOf(db, threadId);
  if (!place || place.kind === "commission") return false;
  const kinds = signals
    .map((s) => s.kind)
    .sort()
    .join(",");
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(escalations).where(eq(escalations.threadId, threadId)).for("update");
    if (existing) {
      const before = existing.signals
        .map((s) => s.kind)
        .sort()
        .join(",");
      const reopen = existing.state === "resolved" && existing.stateChangedAt.getTime() < Date.now() - settings.burstWindowMinutes * 60_000;
      if (existing.state === "resolved" && !reopen) return false;
      const changed = before !== kinds || reopen;
      await tx
        .update(escalations)
        .set({
          signals,
          surfacedAt: existing.surfacedAt ?? sql`now()`,
          updatedAt: changed ? sql`now()` : existing.updatedAt,
          ...(reopen ? { state: "new" as const, stateChangedAt: sql`now()` } : {}),
        })
        .where(eq(escalations.id, existing.id));
      if (changed) await tx.insert(escalationEvents).values({ escalationId: existing.id, kind: "surfaced", data: { signals } });
      return changed;
    }
    const [created] = await tx
      .insert(escalations)
      .values({
        threadId,
        districtId: place.districtId,
        neighborhoodId: place.neighborhoodId,
        categoryId: place.categoryId ?? null,
        signals,
        surfacedAt: sql`now()`,
      })
      .onConflictDoNothing()
      .returning({ id: escalations.id });
    if (!created) return false;
    await tx.insert(escalationEvents).values({ escalationId: created.id, kind: "surfaced", data: { signals } });
    return true;
  });
}

/** The deputy moves an item along (new → seen → following up → resolved), with a note. */
export async function setEscalationState(
  db: Db,
  input: { escalationId: string; actorId: string; state: EscalationState; note: string | null; requestId?: string | null },
): Promise<{ ok: true; threadId: string; escalatedBy: string | null } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [row] = await tx.select().from(escalations).where(eq(escalations.id, input.escalationId)).for("update");
      if (!row) throw new Refusal<EscalationError>("not_found");
      if (row.state === input.state) throw new Refusal<EscalationError>("same_state");
      if ((input.state === "resolved" || input.state === "following") && !input.note) throw new Refusal<EscalationError>("note_required");
      await tx
        .update(escalations)
        .set({ state: input.state, stateNote: input.note, stateBy: input.actorId, stateChangedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(escalations.id, row.id));
      await tx
        .insert(escalationEvents)
        .values({ escalationId: row.id, actorId: input.actorId, kind: "state", state: input.state, note: input.note });
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "escalation.state",
        subjectType: "escalation",
        subjectId: row.id,
        districtId: row.districtId,
        reason: input.note,
        data: { from: row.state, to: input.state },
        requestId: input.requestId ?? null,
      });
      if (row.escalatedBy) {
        const subject = await threadSubject(tx, row.threadId);
        await recordNotice(tx, {
          kind: "escalation_state",
          itemKey: `escalation:${row.id}`,
          link: `/threads/${row.threadId}`,
          params: { title: subject?.title ?? "", state: input.state },
          audience: { users: [row.escalatedBy] },
          actorId: input.actorId,
        });
      }
      return { ok: true as const, threadId: row.threadId, escalatedBy: row.escalatedBy };
    }),
  );
}

export interface DeskFilters {
  districtId?: string;
  neighborhoodId?: string;
  categoryId?: string;
  urgency?: Urgency;
  state?: EscalationState;
}

const STATE_ORDER = sql`case ${escalations.state} when 'new' then 0 when 'seen' then 1 when 'following' then 2 else 3 end`;
const URGENCY_ORDER = sql`case ${escalations.urgency} when 'urgent' then 0 when 'high' then 1 else 2 end`;

/** The deputy's desk: open items first, the most urgent and most recently changed on top. */
export async function deskItems(db: Db, filters: DeskFilters = {}, limit = 100) {
  const conditions = [
    filters.districtId ? eq(escalations.districtId, filters.districtId) : undefined,
    filters.neighborhoodId ? eq(escalations.neighborhoodId, filters.neighborhoodId) : undefined,
    filters.categoryId ? eq(escalations.categoryId, filters.categoryId) : undefined,
    filters.urgency ? eq(escalations.urgency, filters.urgency) : undefined,
    filters.state ? eq(escalations.state, filters.state) : undefined,
  ].filter(Boolean);
  const rows = await db
    .select({
      id: escalations.id,
      threadId: escalations.threadId,
      urgency: escalations.urgency,
      state: escalations.state,
      note: escalations.note,
      escalatedAt: escalations.escalatedAt,
      escalatedByName: users.displayName,
      signals: escalations.signals,
      surfacedAt: escalations.surfacedAt,
      stateNote: escalations.stateNote,
      stateChangedAt: escalations.stateChangedAt,
      updatedAt: escalations.updatedAt,
      districtName: districts.name,
      neighborhoodName: neighborhoods.name,
      categoryName: categories.name,
      threadKind: threads.kind,
      councilId: threads.councilId,
      proposalId: threads.proposalId,
      proposalTitle: proposals.title,
      messageCount: threads.messageCount,
      lastMessageAt: threads.lastMessageAt,
    })
    .from(escalations)
    .innerJoin(threads, eq(threads.id, escalations.threadId))
    .innerJoin(districts, eq(districts.id, escalations.districtId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, escalations.neighborhoodId))
    .leftJoin(categories, eq(categories.id, escalations.categoryId))
    .leftJoin(proposals, eq(proposals.id, threads.proposalId))
    .leftJoin(users, eq(users.id, escalations.escalatedBy))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(STATE_ORDER, URGENCY_ORDER, desc(escalations.updatedAt))
    .limit(limit);
  return rows;
}

/** How many items are in each state (for the tabs and the count in the page title). */
export async function deskCounts(db: Db) {
  const rows = await db
    .select({ state: escalations.state, count: sql<number>`count(*)::int` })
    .from(escalations)
    .groupBy(escalations.state);
  const counts: Record<EscalationState, number> = { new: 0, seen: 0, following: 0, resolved: 0 };
  for (const r of rows) counts[r.state] = Number(r.count);
  return counts;
}

export async function escalationHistory(db: Db, escalationIds: string[]) {
  if (!escalationIds.length) return [];
  return db
    .select({
      id: escalationEvents.id,
      escalationId: escalationEvents.escalationId,
      at: escalationEvents.at,
      kind: escalationEvents.kind,
      state: escalationEvents.state,
      urgency: escalationEvents.urgency,
      note: escalationEvents.note,
      actorName: users.displayName,
    })
    .from(escalationEvents)
    .leftJoin(users, eq(users.id, escalationEvents.actorId))
    .where(inArray(escalationEvents.escalationId, escalationIds))
    .orderBy(asc(escalationEvents.id));
}

/** The item of one thread, if it is on the desk: the people who escalated follow its state here. */
export async function escalationOfThread(db: Db, threadId: string) {
  const [row] = await db
    .select({
      id: escalations.id,
      state: escalations.state,
      urgency: escalations.urgency,
      note: escalations.note,
      stateNote: escalations.stateNote,
      stateChangedAt: escalations.stateChangedAt,
      escalatedAt: escalations.escalatedAt,
      escalatedBy: escalations.escalatedBy,
      signals: escalations.signals,
    })
    .from(escalations)
    .where(eq(escalations.threadId, threadId));
  return row ?? null;
}

/** Districts and neighborhoods for the desk's filters. */
export async function deskFilterOptions(db: Db) {
  const [districtRows, neighborhoodRows, categoryRows] = await Promise.all([
    db.select({ id: districts.id, name: districts.name }).from(districts).orderBy(asc(districts.number)),
    db
      .select({ id: neighborhoods.id, name: neighborhoods.name, districtId: neighborhoods.districtId })
      .from(neighborhoods)
      .innerJoin(councils, eq(councils.neighborhoodId, neighborhoods.id))
      .groupBy(neighborhoods.id)
      .orderBy(asc(neighborhoods.name)),
    db.select({ id: categories.id, name: categories.name }).from(categories).orderBy(asc(categories.name)),
  ]);
  return { districts: districtRows, neighborhoods: neighborhoodRows, categories: categoryRows };
}
