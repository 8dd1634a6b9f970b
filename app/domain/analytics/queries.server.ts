/**
 * Analytics over a scope (the city, a district, a neighborhood) and a Jalali period: one module the
 * analytics page, its CSV downloads and the monthly district report all read, so a number means the
 * same thing wherever it is shown (decision 026).
 *
 * Each family of figures is one aggregate statement: the rows of the period are sorted into the
 * period's Jalali months with `width_bucket` over the month boundaries, and `grouping sets` give, in
 * the same pass, the figure per month (the charts' series), per unit (per district of the city, per
 * neighborhood of a district) and in total. Every statement is bounded by the period's range on an
 * indexed time column, or by the scope's councils.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { PROPOSAL_STATUSES, type Decision, type ProposalStatus } from "../../../db/schema";
import { jalaliMonthRange } from "../meetings/calendar";
import { monthBounds, periodMonths, periodRange, type Period } from "./period";

export type AnalyticsScope =
  { kind: "city" } | { kind: "district"; districtId: string } | { kind: "neighborhood"; districtId: string; neighborhoodId: string };

/** What each unit (and each month, and the whole) counts. Snapshot figures are zero in a month's row. */
export interface Figures {
  /** Councils not dissolved (founded before the period ended), and of them the active ones. */
  livingCouncils: number;
  activeCouncils: number;
  /** Seats held at the period's end (or now, for a period still running). */
  members: number;
  /** The charters' monthly minimum, over the months of the period begun by now. */
  meetingsRequired: number;
  meetingsHeld: number;
  meetingsWithQuorum: number;
  /** Members present and seats, over the meetings held: the attendance rate. */
  present: number;
  seats: number;
  /** Of the meetings held: minutes sent round or approved, approved, and late (not approved in the charter's days). */
  minutesSubmitted: number;
  minutesApproved: number;
  minutesLate: number;
  proposals: number;
  supports: number;
  votesClosed: number;
  votesAdopted: number;
  decisions: number;
  /** From adoption (the adopting vote's close, else the referral) to the commission's decision. */
  medianDaysToDecision: number | null;
  /** Referrals past their due date and undecided at the period's end (or now). */
  overdueReviews: number;
  messages: number;
  discussants: number;
  surfaced: number;
  escalatedByPeople: number;
  resolved: number;
  medianHoursToResolve: number | null;
  /** Distinct people who filed, supported or wrote; and of them those counted against a known population. */
  people: number;
  peopleCounted: number;
  population: number | null;
}

export interface AnalyticsUnit {
  id: string;
  name: string;
  /** A district's number (city scope). */
  number: number | null;
  figures: Figures;
}

export interface Analytics {
  scope: AnalyticsScope;
  period: Period;
  from: Date;
  to: Date;
  /** The moment snapshot figures are read at: the period's end, or now if it has not ended. */
  asOf: Date;
  total: Figures;
  months: { year: number; month: number; figures: Figures }[];
  units: AnalyticsUnit[];
  byStatus: { status: ProposalStatus; count: number }[];
  byTopic: { categoryId: string; name: string; count: number; adopted: number }[];
  decisions: { decision: Decision; count: number }[];
}

/** Statuses a proposal reaches only after its council adopted it. */
export const ADOPTED_STATUSES: readonly ProposalStatus[] = [
  "adopted",
  "in_review",
  "accepted",
  "declined",
  "returned",
  "referred_unit",
  "in_progress",
  "done",
];

export const emptyFigures = (): Figures => ({
  livingCouncils: 0,
  activeCouncils: 0,
  members: 0,
  meetingsRequired: 0,
  meetingsHeld: 0,
  meetingsWithQuorum: 0,
  present: 0,
  seats: 0,
  minutesSubmitted: 0,
  minutesApproved: 0,
  minutesLate: 0,
  proposals: 0,
  supports: 0,
  votesClosed: 0,
  votesAdopted: 0,
  decisions: 0,
  medianDaysToDecision: null,
  overdueReviews: 0,
  messages: 0,
  discussants: 0,
  surfaced: 0,
  escalatedByPeople: 0,
  resolved: 0,
  medianHoursToResolve: null,
  people: 0,
  peopleCounted: 0,
  population: null,
});

/** Share as a percentage with one decimal, or null when there is nothing to divide by. */
export const rate = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
export const attendanceRate = (f: Figures) => rate(f.present, f.seats);
export const adoptionRate = (f: Figures) => rate(f.votesAdopted, f.votesClosed);
/** People who took part per 1,000 residents, where the neighborhoods' population is known. */
export const per1000 = (f: Figures): number | null =>
  f.population && f.population > 0 ? Math.round((f.peopleCounted / f.population) * 10_000) / 10 : null;

// ---------------------------------------------------------------------------

type Row = Record<string, unknown>;

async function rowsOf(db: Db, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows?: Row[] } & Row[];
  return result.rows ?? result;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The scope's rows, given the columns that name a row's district and neighborhood. */
function inScope(scope: AnalyticsScope, district: SQL, neighborhood: SQL): SQL {
  if (scope.kind === "city") return sql`true`;
  if (scope.kind === "district") return sql`${district} = ${scope.districtId}::uuid`;
  return sql`${neighborhood} = ${scope.neighborhoodId}::uuid`;
}

/** The unit a row counts under: its district in the city, its neighborhood below. */
const unitOf = (scope: AnalyticsScope, district: SQL, neighborhood: SQL) => (scope.kind === "city" ? district : neighborhood);

/** Where a moment falls among the period's months: 1…n inside the period. */
function monthOf(bounds: Date[], column: SQL): SQL {
  return sql`width_bucket(${column}, array[${sql.join(bounds.map(at), sql`, `)}])`;
}

/**
 * Rows of a grouping-sets result, told apart: `g` is grouping(b, u) — 1 for a month's row, 2 for a
 * unit's, 3 for the total (statements without months use grouping(u): 1 for the total, 0 per unit).
 */
interface Split {
  total: Row | undefined;
  byMonth: Map<number, Row>;
  byUnit: Map<string, Row>;
}
function split(rows: Row[], withMonths = true): Split {
  const out: Split = { total: undefined, byMonth: new Map(), byUnit: new Map() };
  for (const row of rows) {
    const g = num(row.g);
    if (withMonths ? g === 3 : g === 1) out.total = row;
    else if (withMonths && g === 1) out.byMonth.set(num(row.b), row);
    else if (row.u !== null && row.u !== undefined) out.byUnit.set(String(row.u), row);
  }
  return out;
}

const groupedByMonthAndUnit = sql`group by grouping sets ((b), (u), ())`;

interface Context {
  db: Db;
  scope: AnalyticsScope;
  from: Date;
  to: Date;
  asOf: Date;
  now: Date;
  bounds: Date[];
}

async function councilFigures({ db, scope, to }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select u, grouping(u) g, count(*)::int living, (count(*) filter (where status = 'active'))::int active,
                 coalesce(sum(minimum), 0)::int minimum
          from (select ${unitOf(scope, sql`c.district_id`, sql`c.neighborhood_id`)} u, c.status, c.meetings_per_month minimum
                from councils c
                where c.status <> 'dissolved' and c.created_at < ${at(to)}
                  and ${inScope(scope, sql`c.district_id`, sql`c.neighborhood_id`)}) x
          group by grouping sets ((u), ())`,
    ),
    false,
  );
}

async function memberFigures({ db, scope, asOf }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select u, grouping(u) g, count(*)::int members
          from (select ${unitOf(scope, sql`c.district_id`, sql`c.neighborhood_id`)} u
                from memberships m join councils c on c.id = m.council_id
                where m.started_at < ${at(asOf)} and (m.ended_at is null or m.ended_at >= ${at(asOf)})
                  and ${inScope(scope, sql`c.district_id`, sql`c.neighborhood_id`)}) x
          group by grouping sets ((u), ())`,
    ),
    false,
  );
}

/** Meetings held in the period (by their start), attendance, and where their minutes stand (as districtMonth reads them). */
async function meetingFigures({ db, scope, from, to, now, bounds }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select b, u, grouping(b, u) g,
                 (count(*) filter (where status = 'closed'))::int held,
                 (count(*) filter (where status = 'closed' and quorum_met))::int with_quorum,
                 coalesce(sum(present_count) filter (where status = 'closed'), 0)::int present,
                 coalesce(sum(seats) filter (where status = 'closed'), 0)::int seats,
                 (count(*) filter (where status = 'closed' and submitted))::int submitted,
                 (count(*) filter (where status = 'closed' and approved))::int approved,
                 (count(*) filter (where status = 'closed' and not approved and closed_at + approval_days * interval '1 day' < ${at(now)}))::int late
          from (select ${monthOf(bounds, sql`m.starts_at`)} b, ${unitOf(scope, sql`m.district_id`, sql`c.neighborhood_id`)} u,
                       m.status, m.quorum_met, m.present_count, m.seats, m.closed_at, c.minutes_approval_days approval_days,
                       coalesce(n.submitted, false) submitted, coalesce(n.approved, false) approved
                from meetings m
                join councils c on c.id = m.council_id
                left join lateral (select bool_or(v.status <> 'draft') submitted, bool_or(v.status = 'approved') approved
                                   from minutes v where v.meeting_id = m.id) n on true
                where m.starts_at >= ${at(from)} and m.starts_at < ${at(to)} and m.status <> 'cancelled'
                  and ${inScope(scope, sql`m.district_id`, sql`c.neighborhood_id`)}) x
          ${groupedByMonthAndUnit}`,
    ),
  );
}

/** Proposals filed in the period: per month and unit, and by where they stand now and by topic. */
async function proposalFigures({ db, scope, from, to, bounds }: Context) {
  const rows = await rowsOf(
    db,
    sql`select b, u, status, category_id, grouping(b, u, status, category_id) g, count(*)::int n,
               (count(*) filter (where status in (${sql.join(
                 ADOPTED_STATUSES.map((s) => sql`${s}`),
                 sql`, `,
               )})))::int adopted
        from (select ${monthOf(bounds, sql`p.created_at`)} b, ${unitOf(scope, sql`p.district_id`, sql`p.neighborhood_id`)} u,
                     p.status, p.category_id
              from proposals p
              where p.created_at >= ${at(from)} and p.created_at < ${at(to)}
                and ${inScope(scope, sql`p.district_id`, sql`p.neighborhood_id`)}) x
        group by grouping sets ((b), (u), (status), (category_id), ())`,
  );
  // grouping(b, u, status, category_id): 7 by month, 11 by unit, 13 by status, 14 by topic, 15 in all.
  const byMonth = new Map<number, Row>();
  const byUnit = new Map<string, Row>();
  const byStatus = new Map<string, number>();
  const byTopic: { categoryId: string; count: number; adopted: number }[] = [];
  let total: Row | undefined;
  for (const row of rows) {
    const g = num(row.g);
    if (g === 7) byMonth.set(num(row.b), row);
    else if (g === 11) byUnit.set(String(row.u), row);
    else if (g === 13) byStatus.set(String(row.status), num(row.n));
    else if (g === 14) byTopic.push({ categoryId: String(row.category_id), count: num(row.n), adopted: num(row.adopted) });
    else if (g === 15) total = row;
  }
  return { split: { total, byMonth, byUnit } as Split, byStatus, byTopic };
}

async function supportFigures({ db, scope, from, to, bounds }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select b, u, grouping(b, u) g, count(*)::int n
          from (select ${monthOf(bounds, sql`s.created_at`)} b, ${unitOf(scope, sql`p.district_id`, sql`p.neighborhood_id`)} u
                from supports s join proposals p on p.id = s.proposal_id
                where s.created_at >= ${at(from)} and s.created_at < ${at(to)}
                  and ${inScope(scope, sql`p.district_id`, sql`p.neighborhood_id`)}) x
          ${groupedByMonthAndUnit}`,
    ),
  );
}

/** Council votes that closed in the period, and how many adopted their proposal. */
async function voteFigures({ db, scope, from, to, bounds }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select b, u, grouping(b, u) g, count(*)::int closed, (count(*) filter (where result = 'adopted'))::int adopted
          from (select ${monthOf(bounds, sql`v.closed_at`)} b, ${unitOf(scope, sql`c.district_id`, sql`c.neighborhood_id`)} u, v.result
                from votes v join councils c on c.id = v.council_id
                where v.status = 'closed' and v.closed_at >= ${at(from)} and v.closed_at < ${at(to)}
                  and ${inScope(scope, sql`c.district_id`, sql`c.neighborhood_id`)}) x
          ${groupedByMonthAndUnit}`,
    ),
  );
}

/** Commission decisions published in the period, by kind, and the median days from adoption. */
async function decisionFigures({ db, scope, from, to, bounds }: Context) {
  const rows = await rowsOf(
    db,
    sql`select b, u, decision, grouping(b, u, decision) g, count(*)::int n,
               percentile_cont(0.5) within group (order by days)::float8 median
        from (select ${monthOf(bounds, sql`r.decided_at`)} b, ${unitOf(scope, sql`p.district_id`, sql`p.neighborhood_id`)} u, r.decision,
                     extract(epoch from r.decided_at - coalesce(
                       (select max(v.closed_at) from votes v
                        where v.proposal_id = r.proposal_id and v.result = 'adopted' and v.closed_at <= r.referred_at),
                       r.referred_at)) / 86400.0 days
              from referrals r join proposals p on p.id = r.proposal_id
              where r.decided_at >= ${at(from)} and r.decided_at < ${at(to)}
                and ${inScope(scope, sql`p.district_id`, sql`p.neighborhood_id`)}) x
        group by grouping sets ((b), (u), (decision), ())`,
  );
  // grouping(b, u, decision): 3 by month, 5 by unit, 6 by decision, 7 in all.
  const out: Split = { total: undefined, byMonth: new Map(), byUnit: new Map() };
  const byDecision = new Map<string, number>();
  for (const row of rows) {
    const g = num(row.g);
    if (g === 3) out.byMonth.set(num(row.b), row);
    else if (g === 5) out.byUnit.set(String(row.u), row);
    else if (g === 6) byDecision.set(String(row.decision), num(row.n));
    else if (g === 7) out.total = row;
  }
  return { split: out, byDecision };
}

async function overdueFigures({ db, scope, asOf }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select u, grouping(u) g, count(*)::int n
          from (select ${unitOf(scope, sql`p.district_id`, sql`p.neighborhood_id`)} u
                from referrals r join proposals p on p.id = r.proposal_id
                where r.due_at < ${at(asOf)} and (r.decided_at is null or r.decided_at > ${at(asOf)})
                  and ${inScope(scope, sql`p.district_id`, sql`p.neighborhood_id`)}) x
          group by grouping sets ((u), ())`,
    ),
    false,
  );
}

/** Messages of the public discussions (a commission's review stays out) and the people who wrote them. */
async function messageFigures({ db, scope, from, to, bounds }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select b, u, grouping(b, u) g, count(*)::int n, count(distinct author_id)::int people
          from (select ${monthOf(bounds, sql`m.created_at`)} b, ${unitOf(scope, sql`t.district_id`, sql`t.neighborhood_id`)} u, m.author_id
                from thread_messages m join threads t on t.id = m.thread_id
                where t.kind <> 'commission' and m.created_at >= ${at(from)} and m.created_at < ${at(to)}
                  and ${inScope(scope, sql`t.district_id`, sql`t.neighborhood_id`)}) x
          ${groupedByMonthAndUnit}`,
    ),
  );
}

/** Items that came to the deputy's desk in the period (escalated by a person or surfaced by signals). */
async function surfacedFigures({ db, scope, from, to, bounds }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select b, u, grouping(b, u) g, count(*)::int n, (count(*) filter (where escalated))::int escalated
          from (select ${monthOf(bounds, sql`e.created_at`)} b, ${unitOf(scope, sql`e.district_id`, sql`e.neighborhood_id`)} u,
                       e.escalated_at is not null escalated
                from escalations e
                where e.created_at >= ${at(from)} and e.created_at < ${at(to)}
                  and ${inScope(scope, sql`e.district_id`, sql`e.neighborhood_id`)}) x
          ${groupedByMonthAndUnit}`,
    ),
  );
}

/** Desk items resolved in the period, and the median hours from arriving on the desk to resolved. */
async function resolvedFigures({ db, scope, from, to, bounds }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select b, u, grouping(b, u) g, count(*)::int n, percentile_cont(0.5) within group (order by hours)::float8 median
          from (select ${monthOf(bounds, sql`e.state_changed_at`)} b, ${unitOf(scope, sql`e.district_id`, sql`e.neighborhood_id`)} u,
                       extract(epoch from e.state_changed_at - e.created_at) / 3600.0 hours
                from escalations e
                where e.state = 'resolved' and e.state_changed_at >= ${at(from)} and e.state_changed_at < ${at(to)}
                  and ${inScope(scope, sql`e.district_id`, sql`e.neighborhood_id`)}) x
          ${groupedByMonthAndUnit}`,
    ),
  );
}

/**
 * People who took part in the period — filed a proposal, supported one or wrote in a public
 * discussion —, each counted once per unit; and of them, those in neighborhoods whose population is
 * known (the participation rate divides only those by only that population).
 */
async function participationFigures({ db, scope, from, to }: Context) {
  const range = (column: SQL) => sql`${column} >= ${at(from)} and ${column} < ${at(to)}`;
  const scoped = (alias: string) => inScope(scope, sql.raw(`${alias}.district_id`), sql.raw(`${alias}.neighborhood_id`));
  return split(
    await rowsOf(
      db,
      sql`select u, grouping(u) g, count(distinct person)::int people,
                 count(distinct person) filter (where n.population is not null)::int counted
          from (select ${unitOf(scope, sql`p.district_id`, sql`p.neighborhood_id`)} u, p.neighborhood_id hood, p.author_id person
                from proposals p where ${range(sql`p.created_at`)} and p.author_id is not null and ${scoped("p")}
                union all
                select ${unitOf(scope, sql`p.district_id`, sql`p.neighborhood_id`)}, p.neighborhood_id, s.user_id
                from supports s join proposals p on p.id = s.proposal_id where ${range(sql`s.created_at`)} and ${scoped("p")}
                union all
                select ${unitOf(scope, sql`t.district_id`, sql`t.neighborhood_id`)}, t.neighborhood_id, m.author_id
                from thread_messages m join threads t on t.id = m.thread_id
                where t.kind <> 'commission' and ${range(sql`m.created_at`)} and m.author_id is not null and ${scoped("t")}) x
          join neighborhoods n on n.id = x.hood
          group by grouping sets ((u), ())`,
    ),
    false,
  );
}

async function populationFigures({ db, scope }: Context) {
  return split(
    await rowsOf(
      db,
      sql`select u, grouping(u) g, sum(population)::int population
          from (select ${unitOf(scope, sql`n.district_id`, sql`n.id`)} u, n.population
                from neighborhoods n where ${inScope(scope, sql`n.district_id`, sql`n.id`)}) x
          group by grouping sets ((u), ())`,
    ),
    false,
  );
}

/** The units the scope is broken into: the city's districts, a district's neighborhoods, or the one neighborhood. */
async function unitsOf(db: Db, scope: AnalyticsScope): Promise<{ id: string; name: string; number: number | null }[]> {
  const rows =
    scope.kind === "city"
      ? await rowsOf(db, sql`select id, name, number from districts order by number`)
      : await rowsOf(
          db,
          sql`select id, name, null::int number from neighborhoods where ${
            scope.kind === "district" ? sql`district_id = ${scope.districtId}::uuid` : sql`id = ${scope.neighborhoodId}::uuid`
          } order by name`,
        );
  return rows.map((r) => ({ id: String(r.id), name: String(r.name), number: r.number === null ? null : num(r.number) }));
}

type Families = {
  councils: Split;
  members: Split;
  meetings: Split;
  proposals: Split;
  supports: Split;
  votes: Split;
  decisions: Split;
  overdue: Split;
  messages: Split;
  surfaced: Split;
  resolved: Split;
  participation: Split;
  population: Split;
};

/** One unit's (or the whole's, or a month's) figures from the families' rows. */
function figuresFrom(pick: (s: Split) => Row | undefined, f: Families, monthsRequired: number): Figures {
  const c = pick(f.councils);
  const mt = pick(f.meetings);
  const p = pick(f.proposals);
  const v = pick(f.votes);
  const d = pick(f.decisions);
  const msg = pick(f.messages);
  const sf = pick(f.surfaced);
  const rs = pick(f.resolved);
  const pt = pick(f.participation);
  const pop = pick(f.population);
  return {
    livingCouncils: num(c?.living),
    activeCouncils: num(c?.active),
    members: num(pick(f.members)?.members),
    meetingsRequired: num(c?.minimum) * monthsRequired,
    meetingsHeld: num(mt?.held),
    meetingsWithQuorum: num(mt?.with_quorum),
    present: num(mt?.present),
    seats: num(mt?.seats),
    minutesSubmitted: num(mt?.submitted),
    minutesApproved: num(mt?.approved),
    minutesLate: num(mt?.late),
    proposals: num(p?.n),
    supports: num(pick(f.supports)?.n),
    votesClosed: num(v?.closed),
    votesAdopted: num(v?.adopted),
    decisions: num(d?.n),
    medianDaysToDecision: numOrNull(d?.median),
    overdueReviews: num(pick(f.overdue)?.n),
    messages: num(msg?.n),
    discussants: num(msg?.people),
    surfaced: num(sf?.n),
    escalatedByPeople: num(sf?.escalated),
    resolved: num(rs?.n),
    medianHoursToResolve: numOrNull(rs?.median),
    people: num(pt?.people),
    peopleCounted: num(pt?.counted),
    population: pop?.population === null || pop?.population === undefined ? null : num(pop.population),
  };
}

/** Everything the analytics page, its CSV files and the monthly report show, for one scope and period. */
export async function analyticsOf(db: Db, scope: AnalyticsScope, period: Period, now = new Date()): Promise<Analytics> {
  const { from, to } = periodRange(period);
  const asOf = to.getTime() < now.getTime() ? to : now;
  const ctx: Context = { db, scope, from, to, asOf, now, bounds: monthBounds(period) };
  const [
    units,
    councils,
    members,
    meetings,
    proposals,
    supports,
    votes,
    decisions,
    overdue,
    messages,
    surfaced,
    resolved,
    participation,
    population,
  ] = await Promise.all([
    unitsOf(db, scope),
    councilFigures(ctx),
    memberFigures(ctx),
    meetingFigures(ctx),
    proposalFigures(ctx),
    supportFigures(ctx),
    voteFigures(ctx),
    decisionFigures(ctx),
    overdueFigures(ctx),
    messageFigures(ctx),
    surfacedFigures(ctx),
    resolvedFigures(ctx),
    participationFigures(ctx),
    populationFigures(ctx),
  ]);
  const families: Families = {
    councils,
    members,
    meetings,
    proposals: proposals.split,
    supports,
    votes,
    decisions: decisions.split,
    overdue,
    messages,
    surfaced,
    resolved,
    participation,
    population,
  };
  const months = periodMonths(period);
  // The minimum is owed for every month that has begun.
  const begun = months.map((m) => jalaliMonthRange(m).from.getTime() <= now.getTime());
  const monthsRequired = begun.filter(Boolean).length;

  const categoryRows = proposals.byTopic.length
    ? await rowsOf(
        db,
        sql`select id, name from categories where id in (${sql.join(
          proposals.byTopic.map((t) => sql`${t.categoryId}::uuid`),
          sql`, `,
        )})`,
      )
    : [];
  const categoryName = new Map(categoryRows.map((r) => [String(r.id), String(r.name)]));

  return {
    scope,
    period,
    from,
    to,
    asOf,
    total: figuresFrom((s) => s.total, families, monthsRequired),
    months: months.map((m, i) => {
      const monthOnly = figuresFrom((s) => s.byMonth.get(i + 1), families, begun[i] ? 1 : 0);
      // Snapshot figures belong to the period, not to a month; the month keeps its required meetings.
      return {
        ...m,
        figures: {
          ...emptyFigures(),
          ...pickFlows(monthOnly),
          meetingsRequired: begun[i] ? num(councils.total?.minimum) : 0,
        },
      };
    }),
    units: units.map((u) => ({ ...u, figures: figuresFrom((s) => s.byUnit.get(u.id), families, monthsRequired) })),
    byStatus: PROPOSAL_STATUSES.filter((s) => proposals.byStatus.has(s)).map((status) => ({
      status,
      count: proposals.byStatus.get(status)!,
    })),
    byTopic: proposals.byTopic
      .map((t) => ({ ...t, name: categoryName.get(t.categoryId) ?? "" }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, "fa")),
    decisions: [...decisions.byDecision].map(([decision, count]) => ({ decision: decision as Decision, count })),
  };
}

/** The figures that happen within a month (flows), as opposed to snapshots of the period's end. */
function pickFlows(f: Figures): Partial<Figures> {
  const {
    livingCouncils: _l,
    activeCouncils: _a,
    members: _m,
    overdueReviews: _o,
    population: _p,
    people: _pe,
    peopleCounted: _pc,
    ...flows
  } = f;
  return flows;
}

/** The referrals behind `overdueReviews`: past due and undecided at `asOf`, the longest overdue first. */
export async function overdueReviewList(db: Db, scope: AnalyticsScope, asOf: Date, limit = 50) {
  const rows = await rowsOf(
    db,
    sql`select p.number, p.title, n.name neighborhood, m.name commission, r.due_at
        from referrals r
        join proposals p on p.id = r.proposal_id
        join neighborhoods n on n.id = p.neighborhood_id
        join commissions m on m.id = r.commission_id
        where r.due_at < ${at(asOf)} and (r.decided_at is null or r.decided_at > ${at(asOf)})
          and ${inScope(scope, sql`p.district_id`, sql`p.neighborhood_id`)}
        order by r.due_at, p.number
        limit ${limit}`,
  );
  return rows.map((r) => ({
    number: num(r.number),
    title: String(r.title),
    neighborhood: String(r.neighborhood),
    commission: String(r.commission),
    dueAt: new Date(r.due_at as string),
  }));
}

/** A district's neighborhoods for the scope picker. */
export async function neighborhoodChoices(db: Db, districtId: string) {
  const rows = await rowsOf(db, sql`select id, name from neighborhoods where district_id = ${districtId}::uuid order by name`);
  return rows.map((r) => ({ id: String(r.id), name: String(r.name) }));
}
