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
  /** The written reason, for the few acts whose reason is public. */
  reason: string | null;
  /** The subject's public page, when it has one. */
  link: string | null;
}

export type SentenceInput = Pick<PublicRecordEntry, "action" | "actor" | "district" | "council" | "subject" | "person">;

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

/** The entry as one Persian (or English) sentence. */
export function recordSentence(entry: SentenceInput, t: Translate, lang: string): string {
  const unnamed = t("record.unnamed");
  const number = (n: number | null) => (n === null ? unnamed : formatNumber(n, lang));
  const name = entry.subject.name ?? unnamed;
  // One batch of scheduled meetings is recorded once, on the council, with its count.
  const key = entry.action === "meeting.scheduled" && entry.subject.count !== null ? "meeting.scheduled_many" : entry.action;
  return t(`record.sentence.${key}`, {
    actor: actorPhrase(entry.actor, t, lang),
    district: number(entry.district),
    council: isolate(entry.council ?? unnamed),
    neighborhood: isolate(name),
    commission: isolate(name),
    title: isolate(name),
    person: isolate(entry.person ?? t("record.someone")),
    number: number(entry.subject.number),
    count: number(entry.subject.count),
  });
}
