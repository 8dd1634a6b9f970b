import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  ballotBlocker,
  can,
  mayVote,
  mayEscalateThread,
  mayJoinRoom,
  mayModerateThread,
  mayReadThread,
  postBlocker,
  type Action,
  type Actor,
  type RoleName,
  type Scope,
  type ThreadAccess,
  type VoteAccess,
} from "./permissions";

const D1 = "11111111-1111-4111-8111-111111111111";
const D2 = "22222222-2222-4222-8222-222222222222";
const C1 = "33333333-3333-4333-8333-333333333333";
const C2 = "44444444-4444-4444-8444-444444444444";
const ME = "55555555-5555-4555-8555-555555555555";
const OTHER = "66666666-6666-4666-8666-666666666666";
// Councils: CO1 sits in D1, CO2 in D2.
const CO1 = "88888888-8888-4888-8888-888888888888";
const CO2 = "99999999-9999-4999-8999-999999999999";

const ROLE_KEYS = [
  "anonymous",
  "resident",
  "admin",
  "deputy",
  "deputy_staff",
  "district_manager",
  "district_staff",
  "district_staff+applications",
  "district_staff+moderate",
  "district_staff+file_on_behalf",
  "district_staff+all",
  "commission_member",
  "council_chair",
] as const;
type RoleKey = (typeof ROLE_KEYS)[number];
const STAFF_KEYS = ROLE_KEYS.filter((k) => k.startsWith("district_staff"));

const SCOPES = {
  city: { kind: "city" },
  own_district: { kind: "district", districtId: D1 },
  foreign_district: { kind: "district", districtId: D2 },
  own_council: { kind: "council", councilId: CO1, districtId: D1 },
  foreign_council: { kind: "council", councilId: CO2, districtId: D2 },
  own_commission: { kind: "commission", commissionId: C1 },
  foreign_commission: { kind: "commission", commissionId: C2 },
  own_user: { kind: "user", userId: ME },
  other_user: { kind: "user", userId: OTHER },
} as const satisfies Record<string, Scope>;
type ScopeKey = keyof typeof SCOPES;
const EVERYWHERE = Object.keys(SCOPES) as ScopeKey[];

function actorFor(key: RoleKey): Actor | null {
  if (key === "anonymous") return null;
  if (key === "resident") return { id: ME, roles: [] };
  if (key === "council_chair") return { id: ME, roles: [], councilRoles: [{ councilId: CO1, role: "chair" }] };
  if (key.startsWith("district_staff")) {
    const suffix = key.split("+")[1];
    const powers = suffix === "all" ? ["applications", "moderate", "file_on_behalf"] : suffix ? [suffix] : [];
    return { id: ME, roles: [{ role: "district_staff", districtId: D1, commissionId: null, powers }] };
  }
  const role = key as RoleName;
  const districtId = role === "district_manager" ? D1 : null;
  const commissionId = role === "commission_member" ? C1 : null;
  return { id: ME, roles: [{ role, districtId, commissionId }] };
}

const SIGNED_IN = ROLE_KEYS.filter((r) => r !== "anonymous");
/** A district role acts in its own district and in that district's councils. */
const OWN_DISTRICT: ScopeKey[] = ["own_district", "own_council"];
const only = (roles: readonly RoleKey[], scopes: ScopeKey[]) =>
  Object.fromEntries(roles.map((r) => [r, scopes])) as Partial<Record<RoleKey, ScopeKey[]>>;

/**
 * The intended policy, written out by hand: for each action, who may do it and in which scopes.
 * A role missing from an entry may do it nowhere.
 */
const EXPECTED: Record<string, Partial<Record<RoleKey, ScopeKey[]>>> = {
  "public.read": only(ROLE_KEYS, EVERYWHERE),
  "account.manage": only(SIGNED_IN, ["own_user"]),
  "resident.participate": only(SIGNED_IN, EVERYWHERE),
  "admin.access": { admin: EVERYWHERE },
  "district.create": { admin: EVERYWHERE },
  "district.edit": { admin: EVERYWHERE },
  "commission.create": { admin: EVERYWHERE },
  "commission.edit": { admin: EVERYWHERE },
  "role.assign": { admin: EVERYWHERE },
  "audit.view": { admin: EVERYWHERE, district_manager: OWN_DISTRICT },
  "district.manage": { district_manager: OWN_DISTRICT },
  "district.overview": only(["district_manager", ...STAFF_KEYS], OWN_DISTRICT),
  "district.staff.assign": { district_manager: OWN_DISTRICT },
  "district.moderate": only(["district_manager", "district_staff+moderate", "district_staff+all"], OWN_DISTRICT),
  "district.file_on_behalf": only(["district_manager", "district_staff+file_on_behalf", "district_staff+all"], OWN_DISTRICT),
  "neighborhood.manage": { district_manager: OWN_DISTRICT },
  "council.manage": { district_manager: OWN_DISTRICT },
  "council.officers.appoint": { district_manager: OWN_DISTRICT },
  "membership.decide": only(["district_manager", "district_staff+applications", "district_staff+all"], OWN_DISTRICT),
  "council.agenda": { council_chair: ["own_council"] },
  // The test's council officer is a chair; a secretary may open votes too (see the council seat tests).
  "council.vote.open": { council_chair: ["own_council"] },
  // Any seat votes: the test's council officer is a chair; members and secretaries in the ballot tests.
  "council.vote.cast": { council_chair: ["own_council"] },
  // Only where the charter lets chairs moderate (see the thread tests).
  "council.moderate": { council_chair: ["own_council"] },
  "thread.escalate": { district_manager: OWN_DISTRICT, council_chair: ["own_council"] },
  // The test's council officer is a chair; the secretary runs meetings too (see the meeting tests).
  "council.meeting.run": { council_chair: ["own_council"] },
  // Any seat answers minutes, if present at the meeting (minutesResponseBlocker).
  "council.minutes.respond": { council_chair: ["own_council"] },
  "district.meetings.report": {
    ...only(["district_manager", ...STAFF_KEYS], OWN_DISTRICT),
    deputy: EVERYWHERE,
    deputy_staff: EVERYWHERE,
  },
  "district.absence.review": { district_manager: OWN_DISTRICT },
  // Analytics and the monthly report: the deputy's office city-wide, a manager in their district; not their staff.
  "analytics.view": { district_manager: OWN_DISTRICT, deputy: EVERYWHERE, deputy_staff: EVERYWHERE },
  "policy.acknowledge": { district_manager: OWN_DISTRICT, council_chair: ["own_council"] },
  "deputy.dashboard": { deputy: EVERYWHERE, deputy_staff: EVERYWHERE },
  "deputy.answer": { deputy: EVERYWHERE, deputy_staff: EVERYWHERE },
  "deputy.publish_policy": { deputy: EVERYWHERE },
  "policy.publish": { deputy: EVERYWHERE, deputy_staff: EVERYWHERE },
  "commission.review": { commission_member: ["own_commission"] },
  "commission.decide": { commission_member: ["own_commission"] },
};

describe("permission matrix", () => {
  it("has an expectation for exactly the actions the app defines", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
  });

  const cases = ROLE_KEYS.flatMap((role) => ACTIONS.map((action) => ({ role, action })));

  it.each(cases)("$role / $action", ({ role, action }) => {
    const allowedIn = EXPECTED[action]?.[role] ?? [];
    const expected = Object.fromEntries(EVERYWHERE.map((s) => [s, allowedIn.includes(s)]));
    const actual = Object.fromEntries(EVERYWHERE.map((s) => [s, can(actorFor(role), action as Action, SCOPES[s])]));
    expect(actual).toEqual(expected);
  });

  it("checks the city scope when none is given", () => {
    expect(can(actorFor("admin"), "admin.access")).toBe(true);
    expect(can(actorFor("district_manager"), "audit.view")).toBe(false);
    expect(can(actorFor("resident"), "account.manage")).toBe(false);
  });

  it("keeps the admin out of district, commission and deputy work", () => {
    const admin = actorFor("admin");
    for (const scope of Object.values(SCOPES)) {
      for (const action of [
        "district.manage",
        "district.moderate",
        "district.staff.assign",
        "district.overview",
        "district.file_on_behalf",
        "neighborhood.manage",
        "council.manage",
        "council.officers.appoint",
        "membership.decide",
        "commission.review",
        "commission.decide",
        "deputy.dashboard",
        "deputy.answer",
      ] as const) {
        expect(can(admin, action, scope), `${action} in ${JSON.stringify(scope)}`).toBe(false);
      }
    }
  });

  it("gives a person holding several grants each one only in its own scope", () => {
    const actor: Actor = {
      id: ME,
      roles: [
        { role: "district_manager", districtId: D1, commissionId: null },
        { role: "district_staff", districtId: D2, commissionId: null, powers: ["moderate"] },
        { role: "commission_member", districtId: null, commissionId: C1 },
      ],
    };
    const d3: Scope = { kind: "district", districtId: "77777777-7777-4777-8777-777777777777" };
    expect(can(actor, "district.manage", SCOPES.own_district)).toBe(true);
    expect(can(actor, "district.manage", SCOPES.foreign_district)).toBe(false);
    expect(can(actor, "district.moderate", SCOPES.foreign_district)).toBe(true);
    expect(can(actor, "district.moderate", SCOPES.foreign_council)).toBe(true);
    expect(can(actor, "membership.decide", SCOPES.foreign_district)).toBe(false);
    expect(can(actor, "membership.decide", SCOPES.own_council)).toBe(true);
    expect(can(actor, "council.manage", SCOPES.foreign_council)).toBe(false);
    expect(can(actor, "audit.view", SCOPES.foreign_district)).toBe(false);
    expect(can(actor, "district.moderate", d3)).toBe(false);
    expect(can(actor, "commission.decide", SCOPES.own_commission)).toBe(true);
    expect(can(actor, "commission.decide", SCOPES.foreign_commission)).toBe(false);
    expect(can(actor, "role.assign")).toBe(false);
  });

  it("keeps each staff grant's powers to that grant's district", () => {
    const actor: Actor = {
      id: ME,
      roles: [
        { role: "district_staff", districtId: D1, commissionId: null, powers: ["moderate"] },
        { role: "district_staff", districtId: D2, commissionId: null, powers: ["applications"] },
      ],
    };
    expect(can(actor, "district.moderate", SCOPES.own_district)).toBe(true);
    expect(can(actor, "district.moderate", SCOPES.foreign_district)).toBe(false);
    expect(can(actor, "membership.decide", SCOPES.own_council)).toBe(false);
    expect(can(actor, "membership.decide", SCOPES.foreign_council)).toBe(true);
    expect(can(actor, "district.overview", SCOPES.foreign_district)).toBe(true);
  });

  it("ignores staff powers that are not real powers, and powers on other roles", () => {
    const staff: Actor = {
      id: ME,
      roles: [
        {
          role: "district_staff",
          districtId: D1,
          commissionId: null,
          powers: ["manage", "district_manager", "district_staff:moderate", "Moderate", " applications", "council.manage", ""],
        },
      ],
    };
    const granted = ACTIONS.filter((action) => can(staff, action, SCOPES.own_district));
    expect(granted.sort()).toEqual(["district.meetings.report", "district.overview", "public.read", "resident.participate"]);

    // Powers only mean something on a district_staff grant.
    const commissioner: Actor = {
      id: ME,
      roles: [{ role: "commission_member", districtId: null, commissionId: C1, powers: ["moderate", "applications"] }],
    };
    expect(can(commissioner, "district.moderate", SCOPES.own_district)).toBe(false);
    expect(can(commissioner, "membership.decide", SCOPES.own_council)).toBe(false);
  });

  it("gives a council chair no district powers over their own council", () => {
    const chair = actorFor("council_chair");
    for (const action of ["council.manage", "council.officers.appoint", "membership.decide", "district.overview"] as const) {
      expect(can(chair, action, SCOPES.own_council), action).toBe(false);
    }
    // A seat in a council is not a grant in its district.
    expect(can(chair, "district.manage", SCOPES.own_district)).toBe(false);
    expect(can(chair, "audit.view", SCOPES.own_council)).toBe(false);
  });

  it("decides a council scope by the council's district, not its id", () => {
    const manager = actorFor("district_manager");
    // A council of D2 is foreign even if its id were the manager's district id.
    expect(can(manager, "council.manage", { kind: "council", councilId: D1, districtId: D2 })).toBe(false);
    expect(can(manager, "council.manage", { kind: "council", councilId: CO2, districtId: D1 })).toBe(true);
  });

  it("does not treat a district id as a commission id or the other way round", () => {
    const manager = actorFor("district_manager");
    const member = actorFor("commission_member");
    expect(can(manager, "district.manage", { kind: "commission", commissionId: D1 })).toBe(false);
    expect(can(member, "commission.review", { kind: "district", districtId: C1 })).toBe(false);
  });
});

describe("socket rooms", () => {
  it("opens the city room, district rooms and council rooms to everyone, signed in or not", () => {
    for (const key of ROLE_KEYS) {
      expect(mayJoinRoom(actorFor(key), "city")).toBe(true);
      expect(mayJoinRoom(actorFor(key), `district:${D1}`)).toBe(true);
      expect(mayJoinRoom(actorFor(key), `district:${D2}`)).toBe(true);
      expect(mayJoinRoom(actorFor(key), `council:${CO1}`)).toBe(true);
      expect(mayJoinRoom(actorFor(key), `council:${CO2}`)).toBe(true);
    }
  });

  it.each([
    { room: `district-staff:${D1}`, allowed: ["district_manager", ...STAFF_KEYS] },
    { room: `district-staff:${D2}`, allowed: [] },
    { room: `commission:${C1}`, allowed: ["commission_member"] },
    { room: `commission:${C2}`, allowed: [] },
    { room: "deputy", allowed: ["deputy", "deputy_staff"] },
    { room: "admin", allowed: ["admin"] },
  ])("$room admits only $allowed", ({ room, allowed }) => {
    const admitted = ROLE_KEYS.filter((key) => mayJoinRoom(actorFor(key), room));
    expect(admitted).toEqual(allowed);
  });

  it("admits a person to their own user room only", () => {
    const resident = actorFor("resident");
    expect(mayJoinRoom(resident, `user:${ME}`)).toBe(true);
    expect(mayJoinRoom(resident, `user:${OTHER}`)).toBe(false);
    expect(mayJoinRoom(null, `user:${ME}`)).toBe(false);
    expect(mayJoinRoom(actorFor("admin"), `user:${OTHER}`)).toBe(false);
  });

  it.each([
    "district:",
    "district:abc",
    `district:${D1}:x`,
    `unknown:${D1}`,
    "",
    `${D1}`,
    "City",
    `district-staff:${D1}:x`,
    "council:",
    "council:abc",
    `council:${CO1}:x`,
    `Council:${CO1}`,
    `district-staff:${CO1.slice(1)}`,
  ])("refuses the malformed room %j", (room) => {
    for (const key of ROLE_KEYS) {
      expect(mayJoinRoom(actorFor(key), room)).toBe(false);
    }
  });
});

describe("threads", () => {
  const T1 = "77777777-7777-4777-8777-777777777777";
  const councilThread = (over: Partial<ThreadAccess> = {}): ThreadAccess => ({
    kind: "council",
    councilId: CO1,
    districtId: D1,
    commissionId: null,
    threadPosters: "residents",
    chairsModerate: false,
    ...over,
  });
  const reviewThread = councilThread({ kind: "commission", commissionId: C1 });
  const member: Actor = { id: OTHER, roles: [], councilRoles: [{ councilId: CO1, role: "member" }] };

  it("lets everyone read council and proposal threads, and only the commission read its review thread", () => {
    for (const key of ROLE_KEYS) {
      expect(mayReadThread(actorFor(key), councilThread())).toBe(true);
      expect(mayReadThread(actorFor(key), councilThread({ kind: "proposal" }))).toBe(true);
    }
    expect(ROLE_KEYS.filter((key) => mayReadThread(actorFor(key), reviewThread))).toEqual(["commission_member"]);
    expect(mayReadThread(actorFor("commission_member"), { ...reviewThread, commissionId: C2 })).toBe(false);
  });

  it("joins a thread room only with the thread looked up, and by the same rule", () => {
    const room = `thread:${T1}`;
    expect(mayJoinRoom(actorFor("resident"), room)).toBe(false);
    expect(mayJoinRoom(null, room, councilThread())).toBe(true);
    expect(mayJoinRoom(null, room, reviewThread)).toBe(false);
    expect(mayJoinRoom(actorFor("resident"), room, reviewThread)).toBe(false);
    expect(mayJoinRoom(actorFor("commission_member"), room, reviewThread)).toBe(true);
  });

  it("lets the charter decide who writes, and always the district's staff and the deputy's office", () => {
    const membersOnly = councilThread({ threadPosters: "members" });
    expect(postBlocker(null, councilThread())).toBe("sign_in");
    expect(postBlocker(actorFor("resident"), councilThread())).toBeNull();
    expect(postBlocker(actorFor("resident"), membersOnly)).toBe("members_only");
    expect(postBlocker(member, membersOnly)).toBeNull();
    expect(postBlocker({ ...member, councilRoles: [{ councilId: CO2, role: "member" }] }, membersOnly)).toBe("members_only");
    expect(postBlocker(actorFor("district_manager"), membersOnly)).toBeNull();
    expect(postBlocker(actorFor("district_staff"), membersOnly)).toBeNull();
    expect(postBlocker(actorFor("deputy"), membersOnly)).toBeNull();
    expect(postBlocker(actorFor("deputy_staff"), membersOnly)).toBeNull();
    expect(postBlocker(actorFor("district_manager"), { ...membersOnly, districtId: D2, councilId: CO2 })).toBe("members_only");
    expect(postBlocker(actorFor("commission_member"), reviewThread)).toBeNull();
    expect(postBlocker(actorFor("resident"), reviewThread)).toBe("forbidden");
    expect(postBlocker(actorFor("district_manager"), reviewThread)).toBe("forbidden");
  });

  it("gives moderation to the district, and to the chair only when the charter allows", () => {
    const moderators = (thread: ThreadAccess) => ROLE_KEYS.filter((key) => mayModerateThread(actorFor(key), thread));
    expect(moderators(councilThread())).toEqual(["district_manager", "district_staff+moderate", "district_staff+all"]);
    expect(moderators(councilThread({ chairsModerate: true }))).toEqual([
      "district_manager",
      "district_staff+moderate",
      "district_staff+all",
      "council_chair",
    ]);
    expect(moderators(councilThread({ councilId: CO2, districtId: D2, chairsModerate: true }))).toEqual([]);
    expect(moderators(reviewThread)).toEqual([]);
  });

  it("lets managers and chairs escalate in their own scope", () => {
    expect(ROLE_KEYS.filter((key) => mayEscalateThread(actorFor(key), councilThread()))).toEqual(["district_manager", "council_chair"]);
    expect(ROLE_KEYS.filter((key) => mayEscalateThread(actorFor(key), councilThread({ councilId: CO2, districtId: D2 })))).toEqual([]);
    expect(ROLE_KEYS.filter((key) => mayEscalateThread(actorFor(key), reviewThread))).toEqual([]);
  });
});

describe("ballots", () => {
  const NOW = new Date("2026-05-01T10:00:00Z");
  const HOUR = 3_600_000;
  const openVote = (over: Partial<VoteAccess> = {}): VoteAccess => ({
    councilId: CO1,
    districtId: D1,
    status: "open",
    opensAt: new Date(NOW.getTime() - HOUR),
    closesAt: new Date(NOW.getTime() + HOUR),
    ...over,
  });
  const seat = (role: "member" | "chair" | "secretary", councilId = CO1): Actor => ({
    id: OTHER,
    roles: [],
    councilRoles: [{ councilId, role }],
  });

  it("gives a ballot to every active seat of the vote's council, and to no role without a seat", () => {
    for (const role of ["member", "chair", "secretary"] as const) {
      expect(ballotBlocker(seat(role), openVote(), NOW), role).toBeNull();
      expect(mayVote(seat(role), openVote(), NOW)).toBe(true);
      expect(ballotBlocker(seat(role, CO2), openVote(), NOW), `${role} of another council`).toBe("not_a_member");
    }
    const voters = ROLE_KEYS.filter((key) => mayVote(actorFor(key), openVote(), NOW));
    expect(voters).toEqual(["council_chair"]);
    expect(ROLE_KEYS.filter((key) => mayVote(actorFor(key), openVote({ councilId: CO2, districtId: D2 }), NOW))).toEqual([]);
    expect(ballotBlocker(actorFor("district_manager"), openVote(), NOW)).toBe("not_a_member");
    expect(ballotBlocker(actorFor("admin"), openVote(), NOW)).toBe("not_a_member");
    expect(ballotBlocker(null, openVote(), NOW)).toBe("sign_in");
  });

  it("gives no ballot outside the vote's window, or when there is no open vote", () => {
    const member = seat("member");
    expect(ballotBlocker(member, null, NOW)).toBe("vote_not_open");
    expect(ballotBlocker(member, openVote({ status: "closed" }), NOW)).toBe("vote_closed");
    expect(ballotBlocker(member, openVote({ closesAt: NOW }), NOW)).toBe("vote_closed");
    expect(ballotBlocker(member, openVote({ closesAt: new Date(NOW.getTime() - 1) }), NOW)).toBe("vote_closed");
    expect(ballotBlocker(member, openVote({ opensAt: new Date(NOW.getTime() + 1) }), NOW)).toBe("vote_not_open");
    expect(ballotBlocker(member, openVote({ opensAt: NOW }), NOW)).toBeNull();
    // Dates as they arrive from serialized data.
    expect(
      ballotBlocker(member, openVote({ opensAt: NOW.toISOString(), closesAt: new Date(NOW.getTime() + 1).toISOString() }), NOW),
    ).toBeNull();
  });
});
