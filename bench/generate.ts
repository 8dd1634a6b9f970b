import { createHash } from "node:crypto";

/**
 * Fills the app's own tables with a generated city, in a handful of INSERT … SELECT statements over
 * generate_series, so even the Tehran scale is made inside the database instead of row by row.
 *
 * Ids are derived from ordinals (md5 of a prefix and the number, as a uuid), so every reference is
 * computed without a join and the same ordinal always names the same row. Every row satisfies the
 * schema's constraints (db/schema.ts and the migrations), and the counters the app keeps
 * (support_count, a thread's last_seq and message_count) agree with the rows they count.
 */

export type Scale = "quick" | "city" | "tehran";

export interface ScaleSpec {
  districts: number;
  councils: number;
  users: number;
  proposals: number;
  /** Supports in all, spread over the proposals (each pair at most once). */
  supports: number;
  /** Messages in all, one discussion of `bigThread` messages included. */
  messages: number;
  bigThread: number;
  /** Ballots, spread over the votes (every proposal being voted on or decided has one: a tenth of them). */
  ballots: number;
  /** Row counts for the growth table (proposal list of one council, one discussion). */
  growth: number[];
  growthMessages: number[];
}

export const SCALES: Record<Scale, ScaleSpec> = {
  quick: {
    districts: 3,
    councils: 6,
    users: 3_000,
    proposals: 3_000,
    supports: 6_000,
    messages: 8_000,
    bigThread: 2_000,
    ballots: 600,
    growth: [1_000, 10_000],
    growthMessages: [1_000, 10_000],
  },
  city: {
    districts: 15,
    councils: 300,
    users: 60_000,
    proposals: 120_000,
    supports: 360_000,
    messages: 415_000,
    bigThread: 2_000,
    ballots: 30_000,
    growth: [1_000, 10_000, 100_000],
    growthMessages: [1_000, 10_000, 100_000],
  },
  tehran: {
    districts: 22,
    councils: 370,
    users: 1_000_000,
    proposals: 100_000,
    supports: 4_000_000,
    messages: 2_000_000,
    bigThread: 2_000,
    ballots: 1_000_000,
    growth: [1_000, 10_000, 100_000],
    growthMessages: [1_000, 10_000, 100_000, 1_000_000],
  },
};

/** What the benchmark needs to find in the generated city. */
export interface GeneratedCity {
  /** The resident the signed-in cases use (a member of the first council). */
  resident: { phone: string; localPhone: string; password: string };
  councilId: string;
  /** The newest proposal of the first council, with the long discussion. */
  bigProposalId: string;
  bigThreadId: string;
  /** An ordinary discussion (a council's own thread). */
  threadId: string;
  growth: { rows: number; councilId: string }[];
  /** Discussions of the growth table, each of a proposal of the first growth council. */
  growthThreads: { rows: number; threadId: string; proposalId: string }[];
}

export type Exec = (sqlText: string) => Promise<unknown>;

const uid = (prefix: string, n: string) => `md5('${prefix}' || (${n}))::uuid`;

/** Persian digits for generated names. */
const faDigits = (expr: string) => `translate((${expr})::text, '0123456789', '۰۱۲۳۴۵۶۷۸۹')`;

const arr = (items: string[]) => `array[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(",")}]`;
/** The item of a SQL text array chosen by an integer expression. */
const pick = (items: string[], expr: string) => `(${arr(items)})[((${expr}) % ${items.length}) + 1]`;

const FIRST = [
  "علی",
  "مریم",
  "حسین",
  "زهرا",
  "رضا",
  "فاطمه",
  "محمد",
  "سارا",
  "مهدی",
  "نرگس",
  "امیر",
  "لیلا",
  "حمید",
  "شیرین",
  "کاوه",
  "پریسا",
  "بهرام",
  "نسرین",
  "جواد",
  "مینا",
];
const LAST = [
  "احمدی",
  "محمدی",
  "حسینی",
  "رضایی",
  "کریمی",
  "موسوی",
  "جعفری",
  "صادقی",
  "رحیمی",
  "نوروزی",
  "کاظمی",
  "قاسمی",
  "مرادی",
  "طاهری",
  "اکبری",
  "یوسفی",
  "شریفی",
  "فرهادی",
];
const PLACES = [
  "نارمک",
  "تجریش",
  "یوسف‌آباد",
  "شهرک غرب",
  "سعادت‌آباد",
  "پونک",
  "ونک",
  "امیرآباد",
  "جنت‌آباد",
  "تهرانپارس",
  "نازی‌آباد",
  "شهرری",
  "دولاب",
  "گیشا",
  "زعفرانیه",
  "اکباتان",
  "پیروزی",
  "منیریه",
  "جوادیه",
  "هفت‌حوض",
  "ستارخان",
  "قلهک",
  "فرمانیه",
  "خانی‌آباد",
];
const STREETS = [
  "خیابان بهار",
  "کوچه لاله",
  "میدان اصلی",
  "بوستان محله",
  "خیابان شهید بهشتی",
  "کوچه نسترن",
  "ایستگاه اتوبوس",
  "مدرسه محله",
  "کتابخانه عمومی",
  "پارک کودک",
];
const TOPICS = [
  "نصب چراغ روشنایی در",
  "ساماندهی پارک خودرو در",
  "کاشت درخت در",
  "ایجاد مسیر دوچرخه در",
  "برگزاری جشن محله در",
  "تعمیر پیاده‌رو در",
  "راه‌اندازی کتابخانه کوچک در",
  "کاهش سرعت خودروها در",
  "جمع‌آوری پسماند خشک در",
  "ساخت زمین بازی کودکان در",
  "برگزاری کلاس ورزش صبحگاهی در",
  "رفع آب‌گرفتگی در",
];
const BODIES = [
  "ساکنان محله بارها درباره این موضوع گفت‌وگو کرده‌اند و به نظر می‌رسد با همکاری شهرداری منطقه و مشارکت همسایه‌ها می‌توان آن را در چند ماه انجام داد.",
  "شب‌ها این بخش از محله تاریک است و سالمندان و کودکان با نگرانی از آن عبور می‌کنند؛ پیشنهاد می‌شود با هزینه‌ای اندک این مشکل برطرف شود.",
  "این طرح را گروهی از جوانان محله آماده کرده‌اند و برای اجرای آن به همراهی شورا و چند داوطلب نیاز است. برآورد هزینه پیوست خواهد شد.",
  "در جلسه ماه گذشته شورا این موضوع مطرح شد و قرار شد پس از جمع‌آوری نظر ساکنان، طرح کامل‌تری ارائه شود. این همان طرح است.",
  "هر هفته چند خانواده از این وضعیت گله می‌کنند. اگر حمایت کافی جمع شود می‌توان آن را در دستور کار شورا گذاشت و از منطقه پیگیری کرد.",
];
const MESSAGES = [
  "با این پیشنهاد موافقم؛ فقط باید زمان‌بندی اجرای آن روشن شود.",
  "من هم هر شب از همین مسیر می‌گذرم و واقعاً لازم است.",
  "آیا شهرداری منطقه بودجه این کار را دارد؟ کسی پیگیری کرده است؟",
  "پیشنهاد می‌کنم اول با همسایه‌های همان کوچه هم صحبت کنیم.",
  "در جلسه بعدی شورا این موضوع را مطرح می‌کنم.",
  "سال گذشته هم همین پیشنهاد داده شد ولی به نتیجه نرسید؛ این بار باید پیگیرتر باشیم.",
  "من می‌توانم روزهای جمعه برای کمک داوطلب شوم.",
  "هزینه‌اش را چطور تأمین می‌کنیم؟ شاید بتوان از مشارکت کسبه محله کمک گرفت.",
  "ممنون از پیگیری‌تان، این بهترین خبر هفته بود.",
  "لطفاً عکس وضعیت فعلی را هم بگذارید تا بقیه ببینند.",
  "به نظرم بهتر است این کار در تابستان انجام شود که مدرسه‌ها تعطیل‌اند.",
  "موافقم، ولی نگران ترافیک خیابان اصلی هم باشیم.",
];
const CATEGORIES = [
  "فضای سبز",
  "ایمنی و روشنایی",
  "فرهنگی و هنری",
  "ورزش",
  "حمل‌ونقل و ترافیک",
  "پاکیزگی محله",
  "کودکان و نوجوانان",
  "سالمندان",
];
const COMMISSIONS = ["کمیسیون فرهنگی و اجتماعی", "کمیسیون سلامت، محیط زیست و خدمات شهری", "کمیسیون عمران و حمل‌ونقل"];

const STATUS_OPEN = "open";

export const RESIDENT_PASSWORD = "bench-password-مطمئن-۱۴۰۵";

/** The generated city, as the list of SQL statements that makes it (each timed by the caller). */
export function cityStatements(spec: ScaleSpec, passwordHash: string): { label: string; sql: string }[] {
  const { districts: D, councils: C, users: U, proposals: P, supports: S, messages: M, bigThread: B } = spec;
  const hash = passwordHash.replace(/'/g, "''");
  // Proposal p belongs to council ((p - 1) % C) + 1; p = P is the newest, in council ((P-1) % C) + 1.
  const councilOf = (p: string) => `(((${p}) - 1) % ${C}) + 1`;
  const districtOf = (c: string) => `(((${c}) - 1) % ${D}) + 1`;
  // Nine seats per council, held by users (c - 1) * 9 + 1 … + 9.
  const SEATS = 9;
  if (U < C * SEATS + 10) throw new Error("too few users for the councils' seats");
  const perProposal = Math.ceil(S / P);
  const regularMessages = M - B;
  // Threads that share the regular messages: every proposal but the big one, then every council.
  const T = P - 1 + C;
  // Every proposal being voted on or decided has its vote: p % 40 in 1…4, a tenth of them.
  const ballotsPerVote = Math.max(1, Math.floor(spec.ballots / Math.max(1, Math.floor(P / 10))));
  const timeStep = "interval '37 seconds'";
  const statements: { label: string; sql: string }[] = [];
  const add = (label: string, sql: string) => statements.push({ label, sql });

  add(
    "districts",
    `insert into districts (id, number, name, name_key, description)
     select ${uid("d", "g")}, g, 'منطقه ' || ${faDigits("g")}, 'منطقه ' || g, 'شهرداری منطقه ' || ${faDigits("g")}
     from generate_series(1, ${D}) g`,
  );
  add(
    "neighborhoods",
    `insert into neighborhoods (id, district_id, name, name_key, description)
     select ${uid("n", "g")}, ${uid("d", districtOf("g"))}, ${pick(PLACES, "g")} || ' ' || ${faDigits("g")},
            ${pick(PLACES, "g")} || ' ' || g, 'محله‌ای با ' || ${faDigits("1000 + g * 37")} || ' خانوار'
     from generate_series(1, ${C}) g`,
  );
  add(
    "users",
    `insert into users (id, phone, display_name, password_hash, created_at, password_changed_at)
     select ${uid("u", "g")}, '+98912' || lpad(g::text, 7, '0'),
            ${pick(FIRST, "g")} || ' ' || ${pick(LAST, "g / 20")}, '${hash}', now() - interval '400 days', now() - interval '400 days'
     from generate_series(1, ${U}) g`,
  );
  add(
    "categories and commissions",
    `insert into commissions (id, name, name_key) select ${uid("m", "g")}, n, n from unnest(${arr(COMMISSIONS)}) with ordinality as x(n, g);
     insert into categories (id, name, name_key, sort_order, default_commission_id)
     select ${uid("k", "g")}, n, n, g, ${uid("m", `((g - 1) % ${COMMISSIONS.length}) + 1`)} from unnest(${arr(CATEGORIES)}) with ordinality as x(n, g)`,
  );
  add(
    "councils, terms and seats",
    `insert into councils (id, neighborhood_id, district_id, term_start, term_end, quorum_percent, voting_period_hours,
                           majority_rule, proposers, support_threshold, ballot, reports_to_hide, created_by, created_at)
     select ${uid("c", "g")}, ${uid("n", "g")}, ${uid("d", districtOf("g"))}, date '2026-03-21', date '2028-03-20', 50, 168,
            'simple', 'residents', 20, case when g % 4 = 0 then 'secret' else 'open' end, 3, null, now() - interval '300 days'
     from generate_series(1, ${C}) g;
     insert into council_terms (council_id, number, term_start, term_end)
     select ${uid("c", "g")}, 1, date '2026-03-21', date '2028-03-20' from generate_series(1, ${C}) g;
     insert into memberships (council_id, user_id, term_number, role, started_at)
     select ${uid("c", "c")}, ${uid("u", `(c - 1) * ${SEATS} + s`)}, 1,
            case s when 1 then 'chair' when 2 then 'secretary' else 'member' end, now() - interval '250 days'
     from generate_series(1, ${C}) c, generate_series(1, ${SEATS}) s`,
  );
  // Statuses: most are open; a share waits on the agenda, is being voted on, or was decided.
  const status = (p: string) =>
    `case when (${p}) % 40 = 1 then 'voting' when (${p}) % 40 = 2 then 'adopted' when (${p}) % 40 in (3, 4) then 'not_adopted'
          when (${p}) % 40 = 5 then 'on_agenda' when (${p}) % 40 = 6 then 'withdrawn' else '${STATUS_OPEN}' end`;
  add(
    "proposals",
    `insert into proposals (id, council_id, district_id, neighborhood_id, author_id, title, body, category_id, place, status,
                            support_count, created_at, status_changed_at)
     select ${uid("p", "g")}, ${uid("c", councilOf("g"))}, ${uid("d", districtOf(councilOf("g")))}, ${uid("n", councilOf("g"))},
            ${uid("u", `((g * 7919) % ${U}) + 1`)},
            ${pick(TOPICS, "g")} || ' ' || ${pick(STREETS, "g / 12")},
            ${pick(BODIES, "g")} || ' ' || ${pick(BODIES, "g / 5 + 1")},
            ${uid("k", `(g % ${CATEGORIES.length}) + 1`)}, ${pick(STREETS, "g / 3")}, ${status("g")},
            0, now() - (${P} - g) * ${timeStep}, now() - (${P} - g) * ${timeStep}
     from generate_series(1, ${P}) g`,
  );
  add(
    "proposal events",
    `insert into proposal_events (proposal_id, at, actor_id, kind)
     select id, created_at, author_id, 'filed' from proposals`,
  );
  // Supports: proposal p gets between 0 and 2 × perProposal, from distinct users (a prime stride).
  add(
    "supports",
    `insert into supports (proposal_id, user_id, created_at)
     select ${uid("p", "p")}, ${uid("u", `((p::bigint * 104729 + k * 7727) % ${U}) + 1`)}, now() - (${P} - p) * ${timeStep} + k * interval '1 minute'
     from generate_series(1, ${P}) p, generate_series(1, ${2 * perProposal}) k
     where k <= (p * 2654435761) % ${2 * perProposal + 1}
     on conflict do nothing`,
  );
  add(
    "support counts",
    `update proposals set support_count = s.n from (select proposal_id, count(*)::int n from supports group by proposal_id) s
     where proposals.id = s.proposal_id`,
  );
  // Votes: the proposals with status voting have an open one (closing next week); decided ones a closed one.
  add(
    "votes and ballots",
    `insert into votes (id, proposal_id, council_id, round, status, opens_at, closes_at, closed_at, for_count, against_count,
                        abstain_count, active_members, quorum_needed, result)
     select ${uid("v", "id::text")}, id, council_id, 1,
            case when status = 'voting' then 'open' else 'closed' end,
            case when status = 'voting' then now() - interval '1 day' else created_at + interval '10 days' end,
            case when status = 'voting' then now() + interval '6 days' else created_at + interval '17 days' end,
            case when status = 'voting' then null else created_at + interval '17 days' end,
            case when status = 'voting' then null else greatest(0, ${ballotsPerVote} / 2 + case when status = 'adopted' then 1 else -1 end) end,
            case when status = 'voting' then null else ${ballotsPerVote} / 3 end,
            case when status = 'voting' then null else 0 end,
            case when status = 'voting' then null else ${SEATS} end,
            case when status = 'voting' then null else ${Math.ceil(SEATS / 2)} end,
            case when status = 'voting' then null when status = 'adopted' then 'adopted' else 'not_adopted' end
     from proposals where status in ('voting', 'adopted', 'not_adopted');
     insert into ballots (vote_id, user_id, choice, cast_at, updated_at)
     select v.id, ${uid("u", `((hashtext(v.id::text)::bigint + 2147483648 + b * 7727) % ${U}) + 1`)},
            (array['for','against','abstain'])[(b % 3) + 1], v.opens_at + b * interval '1 second', v.opens_at + b * interval '1 second'
     from votes v, generate_series(1, ${ballotsPerVote}) b
     on conflict do nothing`,
  );
  add(
    "threads",
    `insert into threads (id, kind, council_id, district_id, neighborhood_id, proposal_id, created_at)
     select ${uid("tp", "g")}, 'proposal', ${uid("c", councilOf("g"))}, ${uid("d", districtOf(councilOf("g")))}, ${uid("n", councilOf("g"))},
            ${uid("p", "g")}, now() - (${P} - g) * ${timeStep}
     from generate_series(1, ${P}) g;
     insert into threads (id, kind, council_id, district_id, neighborhood_id, created_at)
     select ${uid("tc", "g")}, 'council', ${uid("c", "g")}, ${uid("d", districtOf("g"))}, ${uid("n", "g")}, now() - interval '300 days'
     from generate_series(1, ${C}) g`,
  );
  // Regular messages go round the threads (all proposals but the newest, then the councils'), so
  // message m is number ((m - 1) / T) + 1 of thread ((m - 1) % T).
  const threadOf = (m: string) =>
    `case when ((${m}) - 1) % ${T} < ${P - 1} then ${uid("tp", `(((${m}) - 1) % ${T}) + 1`)} else ${uid("tc", `(((${m}) - 1) % ${T}) - ${P - 1} + 1`)} end`;
  add(
    "messages",
    `insert into thread_messages (id, thread_id, seq, version, author_id, body, created_at)
     select ${uid("tm", "m")}, ${threadOf("m")}, ((m - 1) / ${T}) + 1, ((m - 1) / ${T}) + 1,
            ${uid("u", `((m * 31) % ${U}) + 1`)}, ${pick(MESSAGES, "m")},
            now() - (${regularMessages} - m) * interval '7 seconds'
     from generate_series(1, ${regularMessages}) m;
     insert into thread_messages (id, thread_id, seq, version, author_id, body, created_at)
     select ${uid("tb", "m")}, ${uid("tp", String(P))}, m, m, ${uid("u", `((m * 131) % ${U}) + 1`)},
            ${pick(MESSAGES, "m * 7")} || ' ' || ${pick(MESSAGES, "m * 5 + 3")},
            now() - (${B} - m) * interval '90 seconds'
     from generate_series(1, ${B}) m`,
  );
  add(
    "thread events",
    `insert into thread_events (thread_id, seq, kind, message_id, actor_id, at)
     select thread_id, seq, 'posted', id, author_id, created_at from thread_messages`,
  );
  add(
    "thread counters",
    `update threads set last_seq = s.n, message_count = s.n, last_message_at = s.last
     from (select thread_id, max(seq) n, max(created_at) last from thread_messages group by thread_id) s
     where threads.id = s.thread_id`,
  );

  // Growth: councils with exactly 1k / 10k / 100k proposals and discussions of that many messages.
  spec.growth.forEach((rows, i) => {
    const c = C + 1 + i;
    add(
      `growth: council with ${rows} proposals`,
      `insert into neighborhoods (id, district_id, name, name_key) values (${uid("n", String(c))}, ${uid("d", "1")}, 'محله سنجش ' || ${faDigits(String(c))}, 'محله سنجش ${c}');
       insert into councils (id, neighborhood_id, district_id, term_start, term_end, quorum_percent, voting_period_hours,
                             majority_rule, proposers, support_threshold, ballot, reports_to_hide)
       values (${uid("c", String(c))}, ${uid("n", String(c))}, ${uid("d", "1")}, date '2026-03-21', date '2028-03-20', 50, 168,
               'simple', 'residents', 20, 'open', 3);
       insert into council_terms (council_id, number, term_start, term_end) values (${uid("c", String(c))}, 1, date '2026-03-21', date '2028-03-20');
       insert into proposals (id, council_id, district_id, neighborhood_id, author_id, title, body, category_id, created_at, status_changed_at)
       select ${uid(`g${rows}-`, "g")}, ${uid("c", String(c))}, ${uid("d", "1")}, ${uid("n", String(c))}, ${uid("u", `((g * 7919) % ${U}) + 1`)},
              ${pick(TOPICS, "g")} || ' ' || ${pick(STREETS, "g / 12")}, ${pick(BODIES, "g")}, ${uid("k", `(g % ${CATEGORIES.length}) + 1`)},
              now() - interval '500 days' - g * interval '3 seconds', now() - interval '500 days'
       from generate_series(1, ${rows}) g`,
    );
  });
  spec.growthMessages.forEach((rows) => {
    const first = `g${spec.growth[0]}-`;
    add(
      `growth: discussion of ${rows} messages`,
      `insert into threads (id, kind, council_id, district_id, neighborhood_id, proposal_id, last_seq, message_count, last_message_at)
       values (${uid("tg", String(rows))}, 'proposal', ${uid("c", String(C + 1))}, ${uid("d", "1")}, ${uid("n", String(C + 1))},
               ${uid(first, String(spec.growthMessages.indexOf(rows) + 1))}, ${rows}, ${rows}, now() - interval '400 days');
       insert into thread_messages (id, thread_id, seq, version, author_id, body, created_at)
       select ${uid(`tg${rows}-`, "m")}, ${uid("tg", String(rows))}, m, m, ${uid("u", `((m * 17) % ${U}) + 1`)}, ${pick(MESSAGES, "m")},
              now() - interval '400 days' - (${rows} - m) * interval '1 second'
       from generate_series(1, ${rows}) m;
       insert into thread_events (thread_id, seq, kind, message_id, actor_id, at)
       select thread_id, seq, 'posted', id, author_id, created_at from thread_messages where thread_id = ${uid("tg", String(rows))}`,
    );
  });
  add("statistics", "analyze");
  return statements;
}

/** Where the benchmark's cases point in the generated city (ids follow from the ordinals above). */
export function cityLandmarks(spec: ScaleSpec): GeneratedCity {
  const md5uuid = (s: string) => {
    const hex = createHash("md5").update(s).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const P = spec.proposals;
  const C = spec.councils;
  const bigCouncil = ((P - 1) % C) + 1;
  // The resident holds seat 3 of the council of the big proposal.
  const residentOrdinal = (bigCouncil - 1) * 9 + 3;
  const digits = String(residentOrdinal).padStart(7, "0");
  return {
    resident: { phone: `+98912${digits}`, localPhone: `0912${digits}`, password: RESIDENT_PASSWORD },
    councilId: md5uuid(`c${bigCouncil}`),
    bigProposalId: md5uuid(`p${P}`),
    bigThreadId: md5uuid(`tp${P}`),
    threadId: md5uuid(`tc${bigCouncil}`),
    growth: spec.growth.map((rows, i) => ({ rows, councilId: md5uuid(`c${C + 1 + i}`) })),
    growthThreads: spec.growthMessages.map((rows, i) => ({
      rows,
      threadId: md5uuid(`tg${rows}`),
      proposalId: md5uuid(`g${spec.growth[0]}-${i + 1}`),
    })),
  };
}
