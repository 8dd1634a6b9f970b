import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { i18nConfig } from "~/utils/i18n";
import { PUBLIC_AUDIT_ACTIONS, PUBLIC_AUDIT_CATEGORIES } from "./audit-actions";
import { actorPhrase, recordSentence, type PublicActor, type SentenceInput, type Translate } from "./public-record";

async function translator(lng: "fa" | "en"): Promise<Translate> {
  const i18n = i18next.createInstance();
  await i18n.init({ ...i18nConfig, lng });
  return i18n.t as unknown as Translate;
}
const fa = await translator("fa");
const en = await translator("en");

const ACTORS: PublicActor[] = [
  { kind: "system" },
  { kind: "admin" },
  { kind: "deputy" },
  { kind: "deputy_staff" },
  { kind: "resident" },
  { kind: "district_manager", district: 2 },
  { kind: "district_manager", district: null },
  { kind: "district_staff", district: 12 },
  { kind: "commission_member", commission: "کمیسیون فرهنگی اجتماعی" },
  { kind: "chair", council: "اکباتان" },
  { kind: "secretary", council: "اکباتان" },
  { kind: "member", council: "اکباتان" },
];

function entry(action: SentenceInput["action"], overrides: Partial<SentenceInput> = {}): SentenceInput {
  return {
    action,
    actor: { kind: "district_manager", district: 2 },
    district: 2,
    council: "اکباتان",
    subject: { name: "کوی لاله", number: 3, count: null },
    person: "مریم رضایی",
    ...overrides,
  };
}

/** Latin letters left in a Persian sentence mean a key or an English word leaked. */
const LATIN = /[A-Za-z]/;
const stripIsolates = (s: string) => s.replace(/[\u2068\u2069]/g, "");

describe("the public record's sentences", () => {
  it.each([...PUBLIC_AUDIT_ACTIONS])("%s reads as a Persian sentence", (action) => {
    const sentence = recordSentence(entry(action), fa, "fa");
    expect(sentence).not.toContain(action);
    expect(sentence).not.toContain("record.");
    expect(sentence).not.toContain("{{");
    expect(sentence).not.toMatch(LATIN);
    expect(sentence).not.toMatch(/[0-9]/);
    expect(sentence.endsWith(".")).toBe(true);
    const english = recordSentence(entry(action), en, "en");
    expect(english).not.toContain("record.");
    expect(english).not.toContain("{{");
  });

  it("names the actor by office and the subject by name", () => {
    expect(stripIsolates(recordSentence(entry("council.created"), fa, "fa"))).toBe("مدیر منطقه ۲ شورای محله اکباتان را تشکیل داد.");
    expect(stripIsolates(recordSentence(entry("meeting.cancelled", { actor: { kind: "secretary", council: "اکباتان" } }), fa, "fa"))).toBe(
      "دبیر شورای محله اکباتان جلسه ۳ شورای محله اکباتان را لغو کرد.",
    );
    expect(
      stripIsolates(
        recordSentence(
          entry("policy.published", { actor: { kind: "deputy" }, subject: { name: "دستورالعمل جلسه‌ها", number: null, count: null } }),
          fa,
          "fa",
        ),
      ),
    ).toBe("معاونت فرهنگی اجتماعی ابلاغیه «دستورالعمل جلسه‌ها» را منتشر کرد.");
    expect(stripIsolates(recordSentence(entry("membership.joined"), fa, "fa"))).toBe("مریم رضایی عضو شورای محله اکباتان شد.");
  });

  it("counts a batch of scheduled meetings", () => {
    const sentence = stripIsolates(
      recordSentence(entry("meeting.scheduled", { subject: { name: null, number: null, count: 24 } }), fa, "fa"),
    );
    expect(sentence).toBe("مدیر منطقه ۲ برنامه ۲۴ جلسه شورای محله اکباتان را چید.");
  });

  it("tells a proposal's vote, adoption and review", () => {
    const proposal = { name: "نیمکت برای پارک", number: 4, count: null };
    const none = {
      agendaBy: null,
      ballot: null,
      result: null,
      tally: null,
      commission: null,
      decision: null,
      unit: null,
      progress: null,
    } as const;
    const say = (action: SentenceInput["action"], actor: PublicActor, outcome: Partial<typeof none> | Record<string, unknown>) =>
      stripIsolates(recordSentence(entry(action, { actor, subject: proposal, outcome: { ...none, ...outcome } as never }), fa, "fa"));
    expect(say("vote.closed", { kind: "system" }, { ballot: "secret", result: "adopted", tally: { for: 5, against: 2, abstain: 1 } })).toBe(
      "سامانه رأی‌گیری مخفی شورای محله اکباتان درباره‌ی پیشنهاد «نیمکت برای پارک» را بست: پیشنهاد تصویب شد (موافق ۵، مخالف ۲، ممتنع ۱).",
    );
    expect(say("vote.opened", { kind: "chair", council: "اکباتان" }, { ballot: "open" })).toBe(
      "رئیس شورای محله اکباتان رأی‌گیری علنی اعضای شورای محله اکباتان را درباره‌ی پیشنهاد «نیمکت برای پارک» آغاز کرد.",
    );
    expect(say("proposal.adopted", { kind: "system" }, { tally: { for: 2, against: 1, abstain: 0 } })).toBe(
      "شورای محله اکباتان در جلسه ۴ پیشنهاد «نیمکت برای پارک» را با رأی حاضران تصویب کرد (موافق ۲، مخالف ۱، ممتنع ۰).",
    );
    expect(
      say(
        "proposal.decided",
        { kind: "commission_member", commission: "کمیسیون فرهنگی اجتماعی" },
        {
          commission: "کمیسیون فرهنگی اجتماعی",
          decision: "accepted",
        },
      ),
    ).toBe("کمیسیون فرهنگی اجتماعی درباره‌ی پیشنهاد «نیمکت برای پارک» از شورای محله اکباتان تصمیم گرفت: تأیید.");
    expect(say("proposal.on_agenda", { kind: "system" }, { agendaBy: "supports" })).not.toContain("سامانه");
    // A closed vote without totals (none recorded) still says its result, and nothing else.
    expect(say("vote.closed", { kind: "system" }, { ballot: "secret", result: "not_adopted" })).toBe(
      "سامانه رأی‌گیری مخفی شورای محله اکباتان درباره‌ی پیشنهاد «نیمکت برای پارک» را بست: پیشنهاد تصویب نشد.",
    );
  });

  it("says something readable when a name is missing", () => {
    const sentence = recordSentence(
      entry("minutes.approved", { council: null, subject: { name: null, number: null, count: null } }),
      fa,
      "fa",
    );
    expect(sentence).not.toMatch(LATIN);
    expect(sentence).toContain(fa("record.unnamed"));
  });

  it.each(ACTORS)("actor %j has a Persian phrase", (actor) => {
    const phrase = actorPhrase(actor, fa, "fa");
    expect(phrase.length).toBeGreaterThan(2);
    expect(phrase).not.toMatch(LATIN);
    expect(phrase).not.toMatch(/[0-9]/);
  });

  it("has a Persian name for every category", () => {
    for (const c of PUBLIC_AUDIT_CATEGORIES) expect(fa(`record.category.${c}`)).not.toMatch(LATIN);
  });
});
