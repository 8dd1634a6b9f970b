/**
 * The public record's sentences: «مدیر منطقه ۲ شورای محله اکباتان را تشکیل داد.». Browser-safe: the
 * page renders them, the admin's log reuses them, and a unit test renders every public kind.
 */
import { formatNumber } from "../utils/persian";
import type { AuditAction, PublicAuditCategory } from "./audit-actions";

/** Who acted, as the public knows them: by office, never by phone or account. */
export type PublicActor =
  | { kind: "system" | "admin" | "deputy" | "deputy_staff" | "resident" }
  | { kind: "district_manager" | "district_staff"; district: number | null }
  | { kind: "commission_member"; commission: string }
  | { kind: "chair" | "secretary" | "member"; council: string };

/**
 * What a sentence about a proposal names besides its title: how it reached the agenda, the vote's
 * ballot and result (totals only as the ballot rule allows after the close), the meeting's hands,
 * the commission and its decision, the progress published.
 */
export interface ProposalOutcome {
  agendaBy: "supports" | "chair" | null;
  ballot: "open" | "secret" | null;
  result: "adopted" | "not_adopted" | null;
  tally: { for: number; against: number; abstain: number } | null;
  commission: string | null;
  decision: "accepted" | "declined" | "returned" | "referred_unit" | null;
  unit: string | null;
  progress: "in_progress" | "done" | null;
}

export interface PublicRecordEntry {
  id: number;
  at: Date;
  action: AuditAction;
  category: PublicAuditCategory;
  actor: PublicActor;
  /** The district's number and id, for the line under the sentence and its link. */
  district: number | null;
  districtId: string | null;
  /** The council's neighborhood name, when the act concerns a council. */
  council: string | null;
  /** What the sentence names: a neighborhood's or commission's name or a policy's title, a meeting's or term's number, a count. */
  subject: { name: string | null; number: number | null; count: number | null };
  /** A member's public display name (membership acts only). */
  person: string | null;
  /** A proposal's act (the title is `subject.name`, a meeting's number `subject.number`). */
  outcome: ProposalOutcome | null;
  /** The written reason, for the few acts whose reason is public (a commission's rationale). */
  reason: string | null;
  /** The subject's public page, when it has one. */
  link: string | null;
}

export type SentenceInput = Pick<PublicRecordEntry, "action" | "actor" | "district" | "council" | "subject" | "person"> & {
  outcome?: ProposalOutcome | null;
};

/** i18next's `t`, as far as the sentences need it. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Another person's text inside a sentence: isolated so a Latin name cannot reorder the Persian. */
const isolate = (text: string) => `\u2068${text}\u2069`;

export function actorPhrase(actor: PublicActor, t: Translate, lang: string): string {
  switch (actor.kind) {
    case "district_manager":
    case "district_staff":
      return actor.district === null
        ? t(`record.actor.${actor.kind}_unnamed`)
        : t(`record.actor.${actor.kind}`, { district: formatNumber(actor.district, lang) });
    case "commission_member":
      return t("record.actor.commission_member", { commission: isolate(actor.commission) });
    case "chair":
    case "secretary":
    case "member":
      return t(`record.actor.${actor.kind}`, { council: isolate(actor.council) });
    default:
      return t(`record.actor.${actor.kind}`);
  }
}

/** Which sentence tells the entry: a few kinds read differently with what they recorded. */
function sentenceKey(entry: SentenceInput): string {
  const outcome = entry.outcome ?? null;
  switch (entry.action) {
    // One batch of scheduled meetings is recorded once, on the council, with its count.
    case "meeting.scheduled":
      return entry.subject.count !== null ? "meeting.scheduled_many" : entry.action;
    case "proposal.on_agenda":
      return outcome?.agendaBy === "supports" ? "proposal.on_agenda_supports" : entry.action;
    case "vote.closed":
    case "proposal.adopted":
      return outcome?.tally ? entry.action : `${entry.action}_untallied`;
    default:
      return entry.action;
  }
}

/** The proposal's words in a sentence: the vote's ballot, its result and totals, the decision. */
function outcomeWords(outcome: ProposalOutcome | null, t: Translate, lang: string) {
  const n = (value: number) => formatNumber(value, lang);
  return {
    vote: t(`record.vote.${outcome?.ballot ?? "unknown"}`),
    result: t(`record.result.${outcome?.result ?? "unknown"}`),
    tally: outcome?.tally
      ? t("record.tally", { for: n(outcome.tally.for), against: n(outcome.tally.against), abstain: n(outcome.tally.abstain) })
      : "",
    decision: outcome?.decision
      ? outcome.decision === "referred_unit" && outcome.unit
        ? t("record.decision.referred_unit_named", { unit: isolate(outcome.unit) })
        : t(`record.decision.${outcome.decision}`)
      : t("record.decision.unknown"),
    progress: t(`record.progress.${outcome?.progress ?? "unknown"}`),
  };
}

/** The entry as one Persian (or English) sentence. */
export function recordSentence(entry: SentenceInput, t: Translate, lang: string): string {
  const unnamed = t("record.unnamed");
  const number = (n: number | null) => (n === null ? unnamed : formatNumber(n, lang));
  const name = entry.subject.name ?? unnamed;
  const outcome = entry.outcome ?? null;
  const key = sentenceKey(entry);
  const isProposal = key.startsWith("proposal.") || key.startsWith("vote.");
  return t(`record.sentence.${key}`, {
    ...(isProposal ? outcomeWords(outcome, t, lang) : {}),
    actor: actorPhrase(entry.actor, t, lang),
    district: number(entry.district),
    council: isolate(entry.council ?? unnamed),
    neighborhood: isolate(name),
    commission: isolate(isProposal ? (outcome?.commission ?? unnamed) : name),
    title: isolate(name),
    person: isolate(entry.person ?? t("record.someone")),
    number: number(entry.subject.number),
    count: number(entry.subject.count),
  });
}
