import { and, asc, count, desc, eq, isNotNull, max } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import {
  meetingAgendaItems,
  meetingAttendance,
  meetings,
  minutes,
  minutesDecisions,
  minutesItems,
  minutesResponses,
  proposalEvents,
  proposals,
  councils,
  users,
} from "../../../db/schema";
import { minutesResponseBlocker, type Actor } from "../../utils/permissions";
import { normalizeText, parseJalaliDate } from "../../utils/persian";
import { recordAudit } from "../audit.server";
import { minutesApproved, outcomeOf } from "../charter";
import { noticeToAuthor } from "../notifications.server";
import { canMove } from "../proposal-state";
import { lockMeeting, refusalOf, refuse, requireCouncilPower, type Fail } from "./common.server";

const DAY = 86_400_000;

/** The minutes row locked, with its meeting and council; refuses anything but a draft. */
async function lockDraft(tx: Db, actor: Actor, minutesId: string) {
  const [row] = await tx.select().from(minutes).where(eq(minutes.id, minutesId)).for("update");
  if (!row) refuse("not_found");
  const { meeting, council } = await lockMeeting(tx, row.meetingId);
  requireCouncilPower(actor, "council.meeting.run", council);
  if (row.status === "approved") refuse("minutes_locked");
  if (row.status !== "draft") refuse("minutes_not_draft");
  return { row, meeting, council };
}

/**
 * The secretary starts the minutes of a closed meeting: one draft per meeting, its item list
 * taken from the agenda. Approved minutes are never reopened; see `startCorrection`.
 */
export async function startMinutes(db: Db, input: { actor: Actor; meetingId: string }): Promise<{ ok: true; minutesId: string } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { meeting, council } = await lockMeeting(tx, input.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (meeting.status !== "closed") refuse("meeting_not_closed");
      const [existing] = await tx.select({ id: minutes.id }).from(minutes).where(eq(minutes.meetingId, meeting.id)).limit(1);
      if (existing) refuse("minutes_exist");
      const [row] = await tx
        .insert(minutes)
        .values({ meetingId: meeting.id, councilId: council.id, districtId: council.districtId, draftedBy: input.actor.id })
        .returning({ id: minutes.id });
      return { ok: true as const, minutesId: row!.id };
    }),
  );
}

export interface MinutesItemInput {
  agendaItemId?: string | null;
  title: string;
  summary: string;
}

/** Saves the general summary and the summary per agenda item of a draft (the item list is replaced). */
export async function saveMinutes(
  db: Db,
  input: { actor: Actor; minutesId: string; summary: string; items: MinutesItemInput[]; now?: Date },
): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { row, meeting } = await lockDraft(tx, input.actor, input.minutesId);
      const summary = normalizeText(input.summary, { multiline: true });
      if (summary.length > 10_000) refuse("summary_invalid");
      const agendaIds = new Set(
        (await tx.select({ id: meetingAgendaItems.id }).from(meetingAgendaItems).where(eq(meetingAgendaItems.meetingId, meeting.id))).map(
          (a) => a.id,
        ),
      );
      const items = input.items
        .map((item) => ({ ...item, title: normalizeText(item.title), summary: normalizeText(item.summary, { multiline: true }) }))
        .filter((item) => item.summary.length > 0);
      for (const item of items) {
        if (item.summary.length > 5000 || item.title.length < 2 || item.title.length > 200) refuse("summary_invalid");
        // An item names an agenda item of this meeting, or none: never one of another meeting.
        if (item.agendaItemId && !agendaIds.has(item.agendaItemId)) refuse("not_found");
      }
      await tx.delete(minutesItems).where(eq(minutesItems.minutesId, row.id));
      if (items.length) {
        await tx.insert(minutesItems).values(
          items.map((item, i) => ({
            minutesId: row.id,
            position: i + 1,
            agendaItemId: item.agendaItemId ?? null,
            title: item.title,
            summary: item.summary,
          })),
        );
      }
      await tx
        .update(minutes)
        .set({ summary, updatedAt: input.now ?? new Date() })
        .where(eq(minutes.id, row.id));
      return { ok: true as const };
    }),
  );
}

export interface DecisionInput {
  text: string;
  responsible: string;
  /** Jalali, as typed; empty for none. */
  dueOn?: string | null;
  proposalId?: string | null;
  tally?: { for: number; against: number; abstain: number } | null;
}

/**
 * Adds the next numbered decision («مقرر شد …»). A meeting without quorum takes no decisions. A
 * decision may name a proposal on this meeting's agenda; a show-of-hands tally on it is recorded
 * only where the charter lets meetings adopt, and cannot count more hands than members present.
 */
export async function addDecision(
  db: Db,
  input: { actor: Actor; minutesId: string } & DecisionInput,
): Promise<{ ok: true; decisionId: string; number: number } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { row, meeting, council } = await lockDraft(tx, input.actor, input.minutesId);
      if (!meeting.quorumMet) refuse("no_quorum_no_decisions");
      const text = normalizeText(input.text, { multiline: true });
      if (text.length < 3 || text.length > 2000) refuse("decision_text_required");
      const responsible = normalizeText(input.responsible);
      if (responsible.length < 2 || responsible.length > 200) refuse("responsible_required");
      let dueOn: string | null = null;
      if (input.dueOn?.trim()) {
        dueOn = parseJalaliDate(input.dueOn);
        if (!dueOn) refuse("due_invalid");
      }
      if (input.proposalId) {
        const [onAgenda] = await tx
          .select({ id: meetingAgendaItems.id })
          .from(meetingAgendaItems)
          .where(and(eq(meetingAgendaItems.meetingId, meeting.id), eq(meetingAgendaItems.proposalId, input.proposalId)));
        if (!onAgenda) refuse("proposal_not_on_agenda");
      }
      const tally = input.tally ?? null;
      if (tally) {
        if (!input.proposalId) refuse("proposal_not_on_agenda");
        if (!council.meetingsAdopt) refuse("meetings_may_not_adopt");
        const values = [tally.for, tally.against, tally.abstain];
        if (values.some((v) => !Number.isInteger(v) || v < 0) || values.reduce((a, b) => a + b, 0) > (meeting.presentCount ?? 0)) {
          refuse("tally_invalid");
        }
      }
      const [{ last }] = (await tx
        .select({ last: max(minutesDecisions.number) })
        .from(minutesDecisions)
        .where(eq(minutesDecisions.minutesId, row.id))) as [{ last: number | null }];
      const number = Number(last ?? 0) + 1;
      const [decision] = await tx
        .insert(minutesDecisions)
        .values({
          minutesId: row.id,
          number,
          text,
          responsible,
          dueOn,
          proposalId: input.proposalId ?? null,
          tallyFor: tally?.for ?? null,
          tallyAgainst: tally?.against ?? null,
          tallyAbstain: tally?.abstain ?? null,
        })
        .returning({ id: minutesDecisions.id });
      return { ok: true as const, decisionId: decision!.id, number };
    }),
  );
}

/** Removes a decision from a draft; the ones after it move up, so the numbers stay 1, 2, 3… */
export async function removeDecision(db: Db, input: { actor: Actor; minutesId: string; decisionId: string }): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { row } = await lockDraft(tx, input.actor, input.minutesId);
      const [gone] = await tx
        .delete(minutesDecisions)
        .where(and(eq(minutesDecisions.id, input.decisionId), eq(minutesDecisions.minutesId, row.id)))
        .returning({ number: minutesDecisions.number });
      if (!gone) refuse("not_found");
      const rest = await tx
        .select({ id: minutesDecisions.id, number: minutesDecisions.number })
        .from(minutesDecisions)
        .where(eq(minutesDecisions.minutesId, row.id))
        .orderBy(asc(minutesDecisions.number));
      // Two steps so no two rows ever hold the same number at once (the key is checked per row).
      for (const [i, d] of rest.entries())
        await tx
          .update(minutesDecisions)
          .set({ number: 100_000 + i })
          .where(eq(minutesDecisions.id, d.id));
      for (const [i, d] of rest.entries())
        await tx
          .update(minutesDecisions)
          .set({ number: i + 1 })
          .where(eq(minutesDecisions.id, d.id));
      return { ok: true as const };
    }),
  );
}

/**
 * Sends the draft round to the members who were present, who have the charter's number of days to
 * approve or object. A draft with nothing written is not sent.
 */
export async function circulateMinutes(
  db: Db,
  input: { actor: Actor; minutesId: string; now?: Date },
  requestId?: string,
): Promise<{ ok: true; respondBy: Date } | Fail> {
  const now = input.now ?? new Date();
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { row, meeting, council } = await lockDraft(tx, input.actor, input.minutesId);
      const [{ n }] = (await tx.select({ n: count() }).from(minutesItems).where(eq(minutesItems.minutesId, row.id))) as [{ n: number }];
      if (!row.summary && Number(n) === 0) refuse("minutes_empty");
      const respondBy = new Date(now.getTime() + council.minutesApprovalDays * DAY);
      await tx.update(minutes).set({ status: "circulating", circulatedAt: now, respondBy, updatedAt: now }).where(eq(minutes.id, row.id));
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "minutes.circulated",
        subjectType: "minutes",
        subjectId: row.id,
        districtId: row.districtId,
        councilId: row.councilId,
        isPublic: true,
        data: { meeting: meeting.number, version: row.version },
        requestId,
      });
      return { ok: true as const, respondBy };
    }),
  );
}

/**
 * Takes circulated minutes back to draft (to answer objections): the answers so far are cleared,
 * since they were about a text that is about to change.
 */
export async function reopenDraft(db: Db, input: { actor: Actor; minutesId: string; now?: Date }): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [row] = await tx.select().from(minutes).where(eq(minutes.id, input.minutesId)).for("update");
      if (!row) refuse("not_found");
      const { council } = await lockMeeting(tx, row.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (row.status === "approved") refuse("minutes_locked");
      if (row.status !== "circulating") refuse("not_circulating");
      await tx.delete(minutesResponses).where(eq(minutesResponses.minutesId, row.id));
      await tx
        .update(minutes)
        .set({ status: "draft", circulatedAt: null, respondBy: null, updatedAt: input.now ?? new Date() })
        .where(eq(minutes.id, row.id));
      return { ok: true as const };
    }),
  );
}

/**
 * A member who was at the meeting approves the circulated minutes, or objects with a comment; a
 * second answer replaces the first. The answer that makes a majority of those present approve
 * locks the minutes: approved, public, and from then on unchangeable (a database trigger).
 */
export async function respondToMinutes(
  db: Db,
  input: { actor: Actor; minutesId: string; verdict: "approve" | "object"; comment?: string | null; now?: Date },
  requestId?: string,
): Promise<{ ok: true; approved: boolean; approvals: number; present: number; adopted: string[] } | Fail> {
  const now = input.now ?? new Date();
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [row] = await tx.select().from(minutes).where(eq(minutes.id, input.minutesId)).for("update");
      if (!row) refuse("not_found");
      if (row.status === "approved") refuse("minutes_locked");
      const [meeting] = await tx.select().from(meetings).where(eq(meetings.id, row.meetingId));
      const [mark] = await tx
        .select({ status: meetingAttendance.status })
        .from(meetingAttendance)
        .where(and(eq(meetingAttendance.meetingId, row.meetingId), eq(meetingAttendance.userId, input.actor.id)));
      const blocker = minutesResponseBlocker(input.actor, meeting!, {
        attended: mark?.status === "present" || mark?.status === "late",
        circulating: row.status === "circulating",
      });
      if (blocker === "sign_in" || blocker === "not_a_member") refuse("forbidden");
      if (blocker) refuse(blocker);
      if (row.respondBy && row.respondBy < now) refuse("response_period_over");
      const comment = normalizeText(input.comment ?? "", { multiline: true }).slice(0, 2000) || null;
      if (input.verdict === "object" && (comment?.length ?? 0) < 3) refuse("comment_required");
      await tx
        .insert(minutesResponses)
        .values({ minutesId: row.id, userId: input.actor.id, verdict: input.verdict, comment, at: now })
        .onConflictDoUpdate({
          target: [minutesResponses.minutesId, minutesResponses.userId],
          set: { verdict: input.verdict, comment, at: now },
        });
      const [{ n }] = (await tx
        .select({ n: count() })
        .from(minutesResponses)
        .where(and(eq(minutesResponses.minutesId, row.id), eq(minutesResponses.verdict, "approve")))) as [{ n: number }];
      const approvals = Number(n);
      const present = meeting!.presentCount ?? 0;
      const approved = minutesApproved(approvals, present);
      if (input.verdict === "object") {
        await recordAudit(tx, {
          actorId: input.actor.id,
          action: "minutes.objected",
          subjectType: "minutes",
          subjectId: row.id,
          districtId: row.districtId,
          councilId: row.councilId,
          requestId,
        });
      }
      let adopted: string[] = [];
      if (approved) {
        adopted = await adoptByShowOfHands(tx, {
          minutesId: row.id,
          councilId: row.councilId,
          present,
          meetingNumber: meeting!.number,
          meetingId: meeting!.id,
          now,
        });
        await tx.update(minutes).set({ status: "approved", approvedAt: now, updatedAt: now }).where(eq(minutes.id, row.id));
        await recordAudit(tx, {
          actorId: null,
          action: "minutes.approved",
          subjectType: "minutes",
          subjectId: row.id,
          districtId: row.districtId,
          councilId: row.councilId,
          isPublic: true,
          data: { meeting: meeting!.number, version: row.version, approvals, present },
          requestId,
        });
      }
      return { ok: true as const, approved, approvals, present, adopted };
    }),
  );
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * When minutes are approved, each decision that recorded a show of hands on a proposal of the
 * agenda adopts it if the tally carries under the charter's majority rule (the meeting's quorum
 * was met, or the decision could not be added; the vote quorum is counted among those present).
 * The move is `canMove`'s on_agenda → adopted, a guarded update: a proposal that has meanwhile
 * gone to an online vote, been withdrawn or adopted stays as it is. Before the commit that locks
 * the minutes, so the adoption and the lock are one.
 */
async function adoptByShowOfHands(
  tx: Tx,
  input: { minutesId: string; councilId: string; present: number; meetingNumber: number; meetingId: string; now: Date },
): Promise<string[]> {
  const adopted: string[] = [];
  const decided = await tx
    .select({
      number: minutesDecisions.number,
      proposalId: minutesDecisions.proposalId,
      for: minutesDecisions.tallyFor,
      against: minutesDecisions.tallyAgainst,
      abstain: minutesDecisions.tallyAbstain,
    })
    .from(minutesDecisions)
    .where(
      and(eq(minutesDecisions.minutesId, input.minutesId), isNotNull(minutesDecisions.proposalId), isNotNull(minutesDecisions.tallyFor)),
    );
  if (!decided.length) return adopted;
  const [council] = await tx
    .select({
      quorumPercent: councils.quorumPercent,
      majorityRule: councils.majorityRule,
      meetingsAdopt: councils.meetingsAdopt,
      districtId: councils.districtId,
    })
    .from(councils)
    .where(eq(councils.id, input.councilId));
  if (!council?.meetingsAdopt || !canMove("on_agenda", "adopted")) return adopted;
  for (const d of decided) {
    const tally = { for: d.for ?? 0, against: d.against ?? 0, abstain: d.abstain ?? 0 };
    const outcome = outcomeOf(tally, council, input.present);
    if (outcome.result !== "adopted") continue;
    const [moved] = await tx
      .update(proposals)
      .set({ status: "adopted", statusChangedAt: input.now })
      .where(and(eq(proposals.id, d.proposalId!), eq(proposals.councilId, input.councilId), eq(proposals.status, "on_agenda")))
      .returning({ id: proposals.id });
    if (!moved) continue;
    await tx.insert(proposalEvents).values({
      proposalId: moved.id,
      actorId: null,
      kind: "adopted_in_meeting",
      data: { ...tally, meeting: input.meetingNumber, decision: d.number, present: input.present },
    });
    // The council adopted it, by the hands counted in its approved minutes (which are public).
    await recordAudit(tx, {
      actorId: null,
      action: "proposal.adopted",
      subjectType: "proposal",
      subjectId: moved.id,
      districtId: council.districtId,
      councilId: input.councilId,
      data: { ...tally, meeting: input.meetingNumber, meetingId: input.meetingId, decision: d.number, present: input.present },
    });
    await noticeToAuthor(tx, { proposalId: moved.id, kind: "vote_result", params: { result: "adopted" } });
    adopted.push(moved.id);
  }
  return adopted;
}

/**
 * A correction of approved minutes: a new draft that names the approved record and starts as a
 * copy of it. The approved record itself never changes; the correction goes through the same
 * approval by those present.
 */
export async function startCorrection(
  db: Db,
  input: { actor: Actor; minutesId: string },
  requestId?: string,
): Promise<{ ok: true; minutesId: string } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [approved] = await tx.select().from(minutes).where(eq(minutes.id, input.minutesId));
      if (!approved) refuse("not_found");
      const { council } = await lockMeeting(tx, approved.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (approved.status !== "approved") refuse("minutes_not_draft");
      const [latest] = await tx
        .select()
        .from(minutes)
        .where(eq(minutes.meetingId, approved.meetingId))
        .orderBy(desc(minutes.version))
        .limit(1);
      if (latest!.id !== approved.id) refuse(latest!.status === "approved" ? "concurrent_change" : "minutes_exist");
      const [row] = await tx
        .insert(minutes)
        .values({
          meetingId: approved.meetingId,
          councilId: approved.councilId,
          districtId: approved.districtId,
          version: approved.version + 1,
          correctsId: approved.id,
          summary: approved.summary,
          draftedBy: input.actor.id,
        })
        .returning({ id: minutes.id });
      const items = await tx.select().from(minutesItems).where(eq(minutesItems.minutesId, approved.id));
      if (items.length) await tx.insert(minutesItems).values(items.map((i) => ({ ...i, minutesId: row!.id })));
      const decisions = await tx.select().from(minutesDecisions).where(eq(minutesDecisions.minutesId, approved.id));
      if (decisions.length) await tx.insert(minutesDecisions).values(decisions.map(({ id: _id, ...d }) => ({ ...d, minutesId: row!.id })));
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "minutes.correction_started",
        subjectType: "minutes",
        subjectId: row!.id,
        districtId: approved.districtId,
        councilId: approved.councilId,
        isPublic: true,
        data: { corrects: approved.id, version: approved.version + 1 },
        requestId,
      });
      return { ok: true as const, minutesId: row!.id };
    }),
  );
}

// ---------------------------------------------------------------------------
// Reading

export type MinutesRecord = Awaited<ReturnType<typeof minutesOf>>[number];

/** Every version of a meeting's minutes, newest first, each with its items, decisions and answers. */
export async function minutesOf(db: Db, meetingId: string) {
  const rows = await db.select().from(minutes).where(eq(minutes.meetingId, meetingId)).orderBy(desc(minutes.version));
  return Promise.all(
    rows.map(async (row) => {
      const [items, decisions, responses] = await Promise.all([
        db.select().from(minutesItems).where(eq(minutesItems.minutesId, row.id)).orderBy(asc(minutesItems.position)),
        db.select().from(minutesDecisions).where(eq(minutesDecisions.minutesId, row.id)).orderBy(asc(minutesDecisions.number)),
        db
          .select({
            userId: minutesResponses.userId,
            verdict: minutesResponses.verdict,
            comment: minutesResponses.comment,
            at: minutesResponses.at,
            name: users.displayName,
          })
          .from(minutesResponses)
          .innerJoin(users, eq(users.id, minutesResponses.userId))
          .where(eq(minutesResponses.minutesId, row.id))
          .orderBy(asc(minutesResponses.at)),
      ]);
      return { ...row, items, decisions, responses };
    }),
  );
}
