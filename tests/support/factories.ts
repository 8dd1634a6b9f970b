import { eq } from "drizzle-orm";
import { createCouncil, type CharterInput } from "../../app/domain/councils.server";
import { createCategory, fileProposal, putOnAgenda, setCategoryCommission } from "../../app/domain/proposals.server";
import { ensureThread, type ThreadTarget } from "../../app/domain/threads/lookup.server";
import { postMessage, type PostInput } from "../../app/domain/threads/write.server";
import { openVote } from "../../app/domain/votes.server";
import { hashPassword } from "../../app/utils/password.server";
import { searchKey } from "../../app/utils/persian";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import type { Db } from "../../db/client.server";
import {
  commissions,
  councils,
  districts,
  memberships,
  neighborhoods,
  proposals,
  roleAssignments,
  users,
  type MembershipRole,
  type ProposalStatus,
  type Role,
} from "../../db/schema";
import { addDays, today } from "./dates";
import { Browserless } from "./http";

/**
 * Builders for the rows a test stands on: people (with roles), districts, neighborhoods, councils
 * (with a charter and seated members), categories, commissions, proposals in a given state with
 * their votes, and threads with messages. Each builds through the domain where the domain has a
 * way to make the thing (a council, a proposal, a vote, a message), and with a plain insert where
 * the app has none (people, districts, seats, roles).
 *
 *     const make = factories(db);
 *     const manager = await make.user({ name: "مدیر منطقه" });
 *     const council = await make.council({ founderId: manager.id, charter: { ballot: "secret" } });
 *     const [chair, ...members] = await make.members(council.id, 3, { chairFirst: true });
 *     const { id, voteId } = await make.proposal({ councilId: council.id, authorId: chair.id, categoryId, state: "voting" });
 *
 * A test names only what it is about; the rest is ordinary and unique within its database.
 */

/** The ids of people (or of anything made): `const [a, b] = idsOf(await make.users(2))`. */
export const idsOf = (made: { id: string }[]) => made.map((m) => m.id);

/** What a successful domain call returns, or the test stops with the refusal it got instead. */
export function ok<T extends { ok: boolean }>(result: T | { ok: false; error: string }): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${(result as { error: string }).error}`);
  return result as Extract<T, { ok: true }>;
}

/** The message of an error and of everything it wraps. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current = error as { message?: string; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(String(current.message ?? current));
    current = current.cause as typeof current;
  }
  return parts.join(" | ");
}

/**
 * An ordinary charter whose current term began yesterday (Tehran time) and runs about two years;
 * a test overrides only what it is about.
 */
export function charter(overrides: Partial<CharterInput> = {}): CharterInput {
  const now = today();
  return {
    termStart: addDays(now, -1),
    termEnd: addDays(now, 700),
    quorumPercent: 50,
    votingPeriodDays: 7,
    majorityRule: "simple",
    proposers: "residents",
    supportThreshold: 20,
    ballot: "open",
    reportsToHide: 3,
    ...overrides,
  };
}

/** A role held in a scope, as an assignment row has it. */
export interface Grant {
  role: Role;
  districtId?: string | null;
  commissionId?: string | null;
  powers?: string[];
}

export interface Person {
  id: string;
  phone: string;
  name: string;
}

export interface Place {
  districtId: string;
  neighborhoodId: string;
}

export interface Council extends Place {
  id: string;
}

export interface FactoryDefaults {
  /** This file's charter for every council it makes (a council's own overrides go on top). */
  charter?: Partial<CharterInput>;
  /** The first phone number handed out (E.164, +989…); each person after gets the next. */
  firstPhone?: string;
  /** The first district number handed out (1–99). */
  firstDistrict?: number;
  /** Who founds councils unless a call says otherwise (set once the file has made that person). */
  founderId?: string;
  /** Where new neighborhoods (and so councils) go unless a call says otherwise. */
  districtId?: string;
  /** Who files proposals, and in which category, unless a call says otherwise. */
  authorId?: string;
  categoryId?: string;
}

export interface CouncilOptions {
  /** The file's `founderId` default stands in for this. */
  founderId?: string;
  /** On top of the file's charter. */
  charter?: Partial<CharterInput>;
  /** An existing neighborhood; otherwise a new one (named `neighborhood`) in `districtId` or the file's district. */
  neighborhoodId?: string;
  districtId?: string;
  neighborhood?: string;
  neighborhoodKey?: string;
}

export interface ProposalOptions {
  councilId: string;
  /** The file's `authorId` and `categoryId` defaults stand in for these. */
  authorId?: string;
  categoryId?: string;
  state?: "open" | "on_agenda" | "voting";
  /** Who puts it on the agenda and opens the vote (the author unless told). */
  by?: string;
  title?: string;
  body?: string;
  place?: string;
  /** The vote's length (the charter's period unless told) and the moment it opens. */
  hours?: number;
  now?: Date;
}

export type Factories = ReturnType<typeof factories>;

/** Builders bound to one database; sequences (phones, district numbers, names) are per builder. */
export function factories(db: Db, defaults: FactoryDefaults = {}) {
  const firstPhone = Number((defaults.firstPhone ?? "+989150000000").slice(1));
  let phoneSeq = 0;
  let districtSeq = defaults.firstDistrict ?? 1;
  let hoodSeq = 0;
  let categorySeq = 0;
  let commissionSeq = 0;
  let proposalSeq = 0;
  const hashes = new Map<string, Promise<string>>();
  /** One hash per password: argon2 is slow on purpose, and every holder of a password may share it. */
  const hashOf = (password: string) => {
    if (!hashes.has(password)) hashes.set(password, hashPassword(password));
    return hashes.get(password)!;
  };

  const make = {
    /** This builder's defaults; a file may set `founderId` and `districtId` once it has made them. */
    defaults,

    /** A charter under this file's defaults (for a test that founds a council itself). */
    charter: (overrides: Partial<CharterInput> = {}) => charter({ ...defaults.charter, ...overrides }),

    /** The next unused phone number of this builder. */
    nextPhone: () => `+${firstPhone + phoneSeq++}`,

    /**
     * A person. Without a password their hash is a placeholder (they sign in by session, see
     * `sessionClient`); with one, they can sign in through the login form.
     */
    async user(options: { name?: string; phone?: string; password?: string; grants?: Grant[] } = {}): Promise<Person> {
      const phone = options.phone ?? make.nextPhone();
      const name = options.name ?? "ساکن محله";
      const passwordHash = options.password ? await hashOf(options.password) : "x";
      const [row] = await db.insert(users).values({ phone, displayName: name, passwordHash }).returning({ id: users.id });
      for (const grant of options.grants ?? []) await make.grant(row!.id, grant);
      return { id: row!.id, phone, name };
    },

    /** `n` people in one insert, named `name(i)` (i from 0), or "name 1", "name 2", …. */
    async users(n: number, options: { name?: string | ((i: number) => string); password?: string } = {}): Promise<Person[]> {
      if (n === 0) return [];
      const nameOf = (i: number) => (typeof options.name === "function" ? options.name(i) : `${options.name ?? "ساکن محله"} ${i + 1}`);
      const passwordHash = options.password ? await hashOf(options.password) : "x";
      const values = Array.from({ length: n }, (_, i) => ({ phone: make.nextPhone(), displayName: nameOf(i), passwordHash }));
      const rows = await db.insert(users).values(values).returning({ id: users.id });
      return rows.map((row, i) => ({ id: row.id, phone: values[i]!.phone, name: values[i]!.displayName }));
    },

    /** A role for someone: admin, deputy, deputy_staff (city-wide), district_manager/district_staff (a district), commission_member. */
    async grant(userId: string, grant: Grant) {
      await db.insert(roleAssignments).values({
        userId,
        role: grant.role,
        districtId: grant.districtId ?? null,
        commissionId: grant.commissionId ?? null,
        powers: grant.powers ?? [],
      });
    },

    /** A district, numbered in turn unless told. */
    async district(options: { number?: number; name?: string; nameKey?: string } = {}): Promise<string> {
      const number = options.number ?? districtSeq++;
      const name = options.name ?? `منطقه ${number}`;
      const [row] = await db
        .insert(districts)
        .values({ number, name, nameKey: options.nameKey ?? searchKey(name) })
        .returning({ id: districts.id });
      return row!.id;
    },

    /** A neighborhood of a district (a new district when none is named). */
    async neighborhood(options: { districtId?: string; name?: string; nameKey?: string } = {}): Promise<string> {
      const districtId = options.districtId ?? defaults.districtId ?? (await make.district());
      const name = options.name ?? `محله ${++hoodSeq}`;
      const [row] = await db
        .insert(neighborhoods)
        .values({ districtId, name, nameKey: options.nameKey ?? searchKey(name) })
        .returning({ id: neighborhoods.id });
      return row!.id;
    },

    /**
     * A council founded by `founderId` under this file's charter (plus `charter`), on a
     * neighborhood of its own: the one named, or a new one in `districtId` (or a new district).
     */
    async council(options: CouncilOptions = {}): Promise<Council> {
      const founderId = options.founderId ?? defaults.founderId;
      if (!founderId) throw new Error("a council needs a founder: pass founderId or set defaults.founderId");
      const neighborhoodId =
        options.neighborhoodId ??
        (await make.neighborhood({ districtId: options.districtId, name: options.neighborhood, nameKey: options.neighborhoodKey }));
      const [hood] = await db
        .select({ districtId: neighborhoods.districtId })
        .from(neighborhoods)
        .where(eq(neighborhoods.id, neighborhoodId));
      const made = ok(await createCouncil(db, founderId, neighborhoodId, charter({ ...defaults.charter, ...options.charter })));
      return { id: made.id, districtId: hood!.districtId, neighborhoodId };
    },

    /**
     * Active seats (current term) for people already made. With `chairFirst` the first of them
     * chairs; `role` gives everyone the same role.
     */
    async seat(
      councilId: string,
      people: (string | { id: string })[],
      options: { chairFirst?: boolean; role?: MembershipRole; termNumber?: number } = {},
    ) {
      if (!people.length) return;
      await db.insert(memberships).values(
        people.map((p, i) => ({
          councilId,
          userId: typeof p === "string" ? p : p.id,
          termNumber: options.termNumber ?? 1,
          role: options.chairFirst && i === 0 ? ("chair" as const) : (options.role ?? ("member" as const)),
        })),
      );
    },

    /** `n` new people seated on the council (see `seat`). */
    async members(
      councilId: string,
      n: number,
      options: { name?: string | ((i: number) => string); password?: string; chairFirst?: boolean } = {},
    ): Promise<Person[]> {
      const people = await make.users(n, { name: options.name ?? ((i) => `عضو ${i + 1}`), password: options.password });
      await make.seat(councilId, people, { chairFirst: options.chairFirst });
      return people;
    },

    /** A council of its own with `n` new people seated on it (see `council` and `members`). */
    async councilWithMembers(
      n: number,
      options: { charter?: Partial<CharterInput>; name?: string | ((i: number) => string); password?: string; chairFirst?: boolean } = {},
    ) {
      const council = await make.council({ charter: options.charter });
      const members = await make.members(council.id, n, options);
      return { council, councilId: council.id, members, memberIds: idsOf(members) };
    },

    /** A proposal category (optionally sending adopted proposals to a commission). */
    async category(name = `دسته ${++categorySeq}`, options: { sortOrder?: number; commissionId?: string } = {}): Promise<string> {
      const made = ok(await createCategory(db, name, options.sortOrder));
      if (options.commissionId) await setCategoryCommission(db, made.id, options.commissionId);
      return made.id;
    },

    /** A commission of the city council. */
    async commission(name = `کمیسیون ${++commissionSeq}`, nameKey?: string): Promise<string> {
      const [row] = await db
        .insert(commissions)
        .values({ name, nameKey: nameKey ?? searchKey(name) })
        .returning({ id: commissions.id });
      return row!.id;
    },

    /**
     * A proposal filed the way a resident files it, then moved as the chair moves it: "open"
     * (filed), "on_agenda", or "voting" (a vote opened for `hours`, by default the charter's
     * period). `by` is who moves it (the author unless told).
     */
    async proposal(options: ProposalOptions): Promise<{ id: string; voteId?: string; closesAt?: Date }> {
      const authorId = options.authorId ?? defaults.authorId;
      const categoryId = options.categoryId ?? defaults.categoryId;
      if (!authorId || !categoryId) throw new Error("a proposal needs an author and a category: pass them or set defaults");
      const filed = ok(
        await fileProposal(db, {
          councilId: options.councilId,
          authorId,
          categoryId,
          title: options.title ?? `پیشنهاد شماره ${++proposalSeq} برای محله`,
          body: options.body ?? "شرح کوتاهی از آنچه اهالی محله می‌خواهند.",
          place: options.place ?? "",
        }),
      );
      const state = options.state ?? "open";
      if (state === "open") return { id: filed.id };
      const by = options.by ?? authorId;
      ok(await putOnAgenda(db, filed.id, by));
      if (state === "on_agenda") return { id: filed.id };
      const vote = await make.vote(filed.id, { by, hours: options.hours, now: options.now });
      return { id: filed.id, ...vote };
    },

    /**
     * A proposal row in any status, written directly (for states the domain reaches only through a
     * long path, such as "in_review"); district and neighborhood come from the council.
     */
    async proposalRow(options: {
      councilId: string;
      authorId: string | null;
      categoryId: string;
      status?: ProposalStatus;
      title?: string;
      body?: string;
    }): Promise<string> {
      const [council] = await db
        .select({ districtId: councils.districtId, neighborhoodId: councils.neighborhoodId })
        .from(councils)
        .where(eq(councils.id, options.councilId));
      const [row] = await db
        .insert(proposals)
        .values({
          councilId: options.councilId,
          districtId: council!.districtId,
          neighborhoodId: council!.neighborhoodId,
          authorId: options.authorId,
          title: options.title ?? `پیشنهاد شماره ${++proposalSeq} برای محله`,
          body: options.body ?? "شرح کوتاهی از آنچه اهالی محله می‌خواهند.",
          categoryId: options.categoryId,
          ...(options.status ? { status: options.status } : {}),
        })
        .returning({ id: proposals.id });
      return row!.id;
    },

    /** A new proposal with a vote open on it (see `proposal`). */
    async openVote(options: Omit<ProposalOptions, "state">) {
      const { id, voteId, closesAt } = await make.proposal({ ...options, state: "voting" });
      return { proposalId: id, voteId: voteId!, closesAt: closesAt! };
    },

    /** A vote opened on a proposal that is on the agenda. */
    async vote(proposalId: string, options: { by: string; hours?: number; now?: Date }) {
      const opened = ok(await openVote(db, { proposalId, actorId: options.by, hours: options.hours, now: options.now }));
      return { voteId: opened.voteId, closesAt: opened.closesAt };
    },

    /** A council of its own (see `council`) and its thread, so a test never sees another's messages. */
    async councilThread(options: CouncilOptions = {}) {
      const council = await make.council(options);
      return { councilId: council.id, threadId: await make.thread({ kind: "council", councilId: council.id }) };
    },

    /** A thread (made on first use, as a page does): a council's, a proposal's, or a commission's on a proposal. */
    thread: (target: ThreadTarget) => ensureThread(db, target),

    /** A message, posted as the composer posts it. */
    async message(
      threadId: string,
      authorId: string,
      body = "سلام به همسایه‌ها",
      extra: Omit<PostInput, "threadId" | "authorId" | "body"> = {},
    ) {
      return ok(await postMessage(db, { threadId, authorId, body, ...extra }));
    },

    /** A thread with messages posted in order; returns the thread and the messages' ids. */
    async threadWith(target: ThreadTarget, messages: { authorId: string; body: string }[]) {
      const threadId = await make.thread(target);
      const messageIds: string[] = [];
      for (const m of messages) messageIds.push((await make.message(threadId, m.authorId, m.body)).messageId);
      return { threadId, messageIds };
    },
  };
  return make;
}

type ClientClass<C extends Browserless> = new (baseUrl: string) => C;

/** What the builders need of a running test app. */
export interface AppLike {
  baseUrl: string;
  env: { SESSION_SECRET: string };
  database: { db: Db };
}

/**
 * The builders of `factories` on a running app's database, plus people signed in on a device of
 * their own: with a password they sign in through the login form, as a person does; without one,
 * by a session made directly (no login request, no rate limit spent).
 *
 *     const make = appFactories(app);
 *     const manager = await make.signedIn({ name: "مدیر منطقه", password: PASSWORD, grants: [{ role: "district_manager", districtId }] });
 *     await manager.client.get("/desk");
 */
export function appFactories(app: AppLike, defaults: FactoryDefaults = {}) {
  const make = factories(app.database.db, defaults);
  return {
    ...make,
    async signedIn<C extends Browserless = Browserless>(
      options: Parameters<typeof make.user>[0] & { Client?: ClientClass<C> } = {},
    ): Promise<Person & { client: C }> {
      const person = await make.user(options);
      const client = options.password
        ? await loginClient(app, person.phone, options.password, options.Client)
        : await sessionClient(app, person.id, options.Client);
      return { ...person, client };
    },
  };
}
export type AppFactories = ReturnType<typeof appFactories>;

/**
 * A browser signed in as someone the quick way: a session made as sign-in makes it, and its cookie
 * set (no password, no login request, no rate limit spent).
 */
export async function sessionClient<C extends Browserless = Browserless>(
  app: AppLike,
  userId: string,
  Client: ClientClass<C> = Browserless as unknown as ClientClass<C>,
): Promise<C> {
  const client = new Client(app.baseUrl);
  const [pair] = (await sessionCookie(app.env.SESSION_SECRET, false).serialize(await createSession(app.database.db, userId))).split(";");
  const at = pair!.indexOf("=");
  client.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
  return client;
}

/** A browser signed in through the login form (the person must have a password); fails the test if sign-in does not redirect. */
export async function loginClient<C extends Browserless = Browserless>(
  app: { baseUrl: string },
  phone: string,
  password: string,
  Client: ClientClass<C> = Browserless as unknown as ClientClass<C>,
): Promise<C> {
  const client = new Client(app.baseUrl);
  const response = await client.post("/login", { phone, password });
  if (response.status !== 302) throw new Error(`${phone} could not sign in: ${response.status}`);
  return client;
}
