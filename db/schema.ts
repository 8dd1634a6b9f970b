import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  ESCALATION_STATES,
  MESSAGE_MAX_LENGTH,
  URGENCIES,
  type EscalationState,
  type SearchKind,
  type SurfacingSignal,
  type Urgency,
} from "./vocabulary";

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/** A person with an account. Every user is a resident; other powers come from role_assignments. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Canonical E.164 form (+989xxxxxxxxx): every input form normalizes to this.
    phone: text("phone").notNull(),
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    locale: text("locale").notNull().default("fa"),
    isActive: boolean("is_active").notNull().default(true),
    createdAt: tstz("created_at").notNull().defaultNow(),
    passwordChangedAt: tstz("password_changed_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_phone_key").on(t.phone),
    check("users_phone_format", sql`${t.phone} ~ '^\\+989[0-9]{9}$'`),
    check("users_display_name_length", sql`char_length(${t.displayName}) between 2 and 60`),
    check("users_locale_valid", sql`${t.locale} in ('fa', 'en')`),
  ],
);

/** Server-side sessions: the cookie carries only the id; deleting the row signs the person out everywhere it was used. */
export const sessions = pgTable(
  "sessions",
  {
    // sha-256 of the random token in the cookie, so a leaked table cannot be replayed as cookies.
    idHash: text("id_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
    lastSeenAt: tstz("last_seen_at").notNull().defaultNow(),
    expiresAt: tstz("expires_at").notNull(),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** One-time codes sent by SMS, for sign-up and password reset. */
export const verificationCodes = pgTable(
  "verification_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    purpose: text("purpose").notNull(),
    phone: text("phone").notNull(),
    codeHash: text("code_hash").notNull(),
    // For sign-up: display name and password hash waiting for the number to be proven.
    payload: jsonb("payload").$type<{ displayName?: string; passwordHash?: string; locale?: string }>(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: tstz("created_at").notNull().defaultNow(),
    expiresAt: tstz("expires_at").notNull(),
    consumedAt: tstz("consumed_at"),
  },
  (t) => [
    index("verification_codes_phone_idx").on(t.phone, t.purpose),
    check("verification_codes_purpose_valid", sql`${t.purpose} in ('signup', 'reset')`),
    check("verification_codes_attempts_nonneg", sql`${t.attempts} >= 0`),
  ],
);

/** Fixed-window counters shared by every app instance. */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: tstz("window_start").notNull(),
  count: integer("count").notNull(),
});

/** The city's district municipalities (مناطق). */
export const districts = pgTable(
  "districts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: integer("number").notNull(),
    name: text("name").notNull(),
    nameKey: text("name_key").notNull(),
    description: text("description").notNull().default(""),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("districts_number_key").on(t.number),
    uniqueIndex("districts_name_key_key").on(t.nameKey),
    check("districts_number_range", sql`${t.number} between 1 and 99`),
  ],
);

/** Neighborhoods (محلات) of a district. Councils attach to these. */
export const neighborhoods = pgTable(
  "neighborhoods",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    // searchKey(name): «كوي» and «کوی» collide here, as people expect.
    nameKey: text("name_key").notNull(),
    description: text("description").notNull().default(""),
    /** A GeoJSON Polygon or MultiPolygon (longitude, latitude), checked before it is stored. */
    boundary: jsonb("boundary").$type<{ type: "Polygon" | "MultiPolygon"; coordinates: unknown } | null>(),
    /** Residents, where the district knows it: analytics reads participation per 1,000 of them. */
    population: integer("population"),
    createdAt: tstz("created_at").notNull().defaultNow(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("neighborhoods_district_name_key").on(t.districtId, t.nameKey),
    check("neighborhoods_population_range", sql`${t.population} is null or ${t.population} between 1 and 10000000`),
  ],
);

/** Named bodies of the city council that review adopted proposals. */
export const commissions = pgTable(
  "commissions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    nameKey: text("name_key").notNull(),
    description: text("description").notNull().default(""),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("commissions_name_key_key").on(t.nameKey)],
);

export const ROLES = ["admin", "deputy", "deputy_staff", "district_manager", "district_staff", "commission_member"] as const;
export type Role = (typeof ROLES)[number];

/** A role held in a scope: city-wide, one district, or one commission. Revoked rows stay for the record. */
export const roleAssignments = pgTable(
  "role_assignments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    districtId: uuid("district_id").references(() => districts.id, { onDelete: "restrict" }),
    commissionId: uuid("commission_id").references(() => commissions.id, { onDelete: "restrict" }),
    /** For district staff: what the manager lets them do (applications, moderate, file_on_behalf). */
    powers: jsonb("powers").$type<string[]>().notNull().default([]),
    grantedBy: uuid("granted_by").references(() => users.id, { onDelete: "set null" }),
    grantedAt: tstz("granted_at").notNull().defaultNow(),
    revokedAt: tstz("revoked_at"),
    revokedBy: uuid("revoked_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("role_assignments_user_idx").on(t.userId),
    check(
      "role_assignments_role_valid",
      sql`${t.role} in ('admin','deputy','deputy_staff','district_manager','district_staff','commission_member')`,
    ),
    // The scope column a role needs is set, and no other.
    check(
      "role_assignments_scope_matches_role",
      sql`case
        when ${t.role} in ('admin','deputy','deputy_staff') then ${t.districtId} is null and ${t.commissionId} is null
        when ${t.role} in ('district_manager','district_staff') then ${t.districtId} is not null and ${t.commissionId} is null
        when ${t.role} = 'commission_member' then ${t.commissionId} is not null and ${t.districtId} is null
        else false end`,
    ),
    uniqueIndex("role_assignments_active_unique")
      .on(
        t.userId,
        t.role,
        sql`coalesce(${t.districtId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
        sql`coalesce(${t.commissionId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      )
      .where(sql`${t.revokedAt} is null`),
    // One manager runs a district at a time.
    uniqueIndex("role_assignments_one_manager_per_district")
      .on(t.districtId)
      .where(sql`${t.role} = 'district_manager' and ${t.revokedAt} is null`),
  ],
);

/** Append-only record of who did what, when and why. UPDATE and DELETE are refused by a trigger. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: tstz("at").notNull().defaultNow(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id"),
    districtId: uuid("district_id"),
    commissionId: uuid("commission_id"),
    councilId: uuid("council_id"),
    /** Shown on the council's public history (no phone numbers or private details in `data`). */
    isPublic: boolean("is_public").notNull().default(false),
    reason: text("reason"),
    data: jsonb("data").$type<Record<string, unknown>>(),
    requestId: text("request_id"),
  },
  (t) => [
    index("audit_log_subject_idx").on(t.subjectType, t.subjectId),
    index("audit_log_district_idx").on(t.districtId, t.id),
    index("audit_log_council_idx").on(t.councilId, t.id),
    // The public record reads newest first by (at, id), city-wide, per district and per council,
    // with or without a date range (decision 025).
    index("audit_log_at_idx").on(t.at, t.id),
    index("audit_log_district_at_idx").on(t.districtId, t.at, t.id),
    index("audit_log_council_at_idx").on(t.councilId, t.at, t.id),
  ],
);

/** What the local SMS provider "sent", shown on the development outbox page. */
export const smsOutbox = pgTable("sms_outbox", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  toPhone: text("to_phone").notNull(),
  body: text("body").notNull(),
  createdAt: tstz("created_at").notNull().defaultNow(),
});

/** Used by the socket.io Postgres adapter for payloads over NOTIFY's size limit. */
export const socketIoAttachments = pgTable("socket_io_attachments", {
  id: bigserial("id", { mode: "number" }).unique(),
  createdAt: tstz("created_at").defaultNow(),
  payload: bytea("payload"),
});

export const COUNCIL_STATUSES = ["active", "suspended", "dissolved"] as const;
export type CouncilStatus = (typeof COUNCIL_STATUSES)[number];
export const MAJORITY_RULES = ["simple", "absolute", "two_thirds"] as const;
export type MajorityRule = (typeof MAJORITY_RULES)[number];

/** A neighborhood's social council and its charter. The current term's dates live here too. */
export const councils = pgTable(
  "councils",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    neighborhoodId: uuid("neighborhood_id")
      .notNull()
      .references(() => neighborhoods.id, { onDelete: "restrict" }),
    // Copied from the neighborhood so every scope check and district queue is one lookup.
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    status: text("status").$type<CouncilStatus>().notNull().default("active"),
    statusReason: text("status_reason"),
    termNumber: integer("term_number").notNull().default(1),
    termStart: date("term_start", { mode: "string" }).notNull(),
    termEnd: date("term_end", { mode: "string" }).notNull(),
    /** Share of active members whose ballots make a vote valid, in percent. */
    quorumPercent: integer("quorum_percent").notNull(),
    votingPeriodHours: integer("voting_period_hours").notNull(),
    majorityRule: text("majority_rule").$type<MajorityRule>().notNull(),
    proposers: text("proposers").$type<"members" | "residents">().notNull(),
    supportThreshold: integer("support_threshold").notNull(),
    /** Whether a proposal's author may count their own support. */
    authorMaySupport: boolean("author_may_support").notNull().default(true),
    ballot: text("ballot").$type<"open" | "secret">().notNull(),
    reportsToHide: integer("reports_to_hide").notNull(),
    /** Who may write in the council's and its proposals' discussion threads. */
    threadPosters: text("thread_posters").$type<"members" | "residents">().notNull().default("residents"),
    /** Whether the chair moderates the council's threads besides the district. */
    chairsModerate: boolean("chairs_moderate").notNull().default(false),
    /** The least number of meetings a Jalali month (the bylaws ask for two). */
    meetingsPerMonth: integer("meetings_per_month").notNull().default(2),
    /** A meeting is valid with this many members present ('count'), or this share of the seats in percent ('percent'). */
    meetingQuorumKind: text("meeting_quorum_kind").$type<"count" | "percent">().notNull().default("count"),
    meetingQuorum: integer("meeting_quorum").notNull().default(6),
    /** Unexcused absences that call for a membership review: in a row, and in one Jalali year. */
    absencesInRow: integer("absences_in_row").notNull().default(3),
    absencesInYear: integer("absences_in_year").notNull().default(6),
    /** Days the members present have to approve or object to the minutes once they are sent round. */
    minutesApprovalDays: integer("minutes_approval_days").notNull().default(7),
    /** Whether a meeting with quorum may adopt a proposal on its agenda by a recorded show of hands. */
    meetingsAdopt: boolean("meetings_adopt").notNull().default(false),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("councils_district_idx").on(t.districtId),
    // One living council per neighborhood; dissolved ones stay as history.
    uniqueIndex("councils_one_per_neighborhood")
      .on(t.neighborhoodId)
      .where(sql`${t.status} <> 'dissolved'`),
    check("councils_status_valid", sql`${t.status} in ('active','suspended','dissolved')`),
    check("councils_term_order", sql`${t.termEnd} > ${t.termStart}`),
    check("councils_term_number_positive", sql`${t.termNumber} >= 1`),
    check("councils_quorum_range", sql`${t.quorumPercent} between 1 and 100`),
    check("councils_voting_period_range", sql`${t.votingPeriodHours} between 1 and 1440`),
    check("councils_majority_valid", sql`${t.majorityRule} in ('simple','absolute','two_thirds')`),
    check("councils_proposers_valid", sql`${t.proposers} in ('members','residents')`),
    check("councils_support_threshold_range", sql`${t.supportThreshold} between 1 and 100000`),
    check("councils_ballot_valid", sql`${t.ballot} in ('open','secret')`),
    check("councils_reports_range", sql`${t.reportsToHide} between 1 and 1000`),
    check("councils_thread_posters_valid", sql`${t.threadPosters} in ('members','residents')`),
    check("councils_meetings_per_month_range", sql`${t.meetingsPerMonth} between 0 and 8`),
    check("councils_meeting_quorum_kind_valid", sql`${t.meetingQuorumKind} in ('count','percent')`),
    check(
      "councils_meeting_quorum_range",
      sql`${t.meetingQuorum} >= 1 and (${t.meetingQuorumKind} = 'count' and ${t.meetingQuorum} <= 500 or ${t.meetingQuorumKind} = 'percent' and ${t.meetingQuorum} <= 100)`,
    ),
    check("councils_absence_rule_range", sql`${t.absencesInRow} between 1 and 50 and ${t.absencesInYear} between 1 and 100`),
    check("councils_minutes_approval_days_range", sql`${t.minutesApprovalDays} between 1 and 60`),
  ],
);

/** Every term a council has had, so past terms stay visible after a new one starts. */
export const councilTerms = pgTable(
  "council_terms",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    termStart: date("term_start", { mode: "string" }).notNull(),
    termEnd: date("term_end", { mode: "string" }).notNull(),
    endedAt: tstz("ended_at"),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("council_terms_council_number_key").on(t.councilId, t.number),
    check("council_terms_order", sql`${t.termEnd} > ${t.termStart}`),
  ],
);

export const MEMBERSHIP_ROLES = ["member", "chair", "secretary"] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];
export const MEMBERSHIP_STATUSES = ["active", "ended", "removed", "left"] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** A person's seat on a council for one term. Ended seats stay as history. */
export const memberships = pgTable(
  "memberships",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    termNumber: integer("term_number").notNull(),
    role: text("role").$type<MembershipRole>().notNull().default("member"),
    status: text("status").$type<MembershipStatus>().notNull().default("active"),
    startedAt: tstz("started_at").notNull().defaultNow(),
    endedAt: tstz("ended_at"),
    endReason: text("end_reason"),
    decidedBy: uuid("decided_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("memberships_user_idx").on(t.userId, t.status),
    uniqueIndex("memberships_one_active_per_person")
      .on(t.councilId, t.userId)
      .where(sql`${t.status} = 'active'`),
    uniqueIndex("memberships_one_chair")
      .on(t.councilId)
      .where(sql`${t.status} = 'active' and ${t.role} = 'chair'`),
    uniqueIndex("memberships_one_secretary")
      .on(t.councilId)
      .where(sql`${t.status} = 'active' and ${t.role} = 'secretary'`),
    check("memberships_role_valid", sql`${t.role} in ('member','chair','secretary')`),
    check("memberships_status_valid", sql`${t.status} in ('active','ended','removed','left')`),
    check("memberships_end_consistent", sql`(${t.status} = 'active') = (${t.endedAt} is null)`),
  ],
);

export const APPLICATION_STATUSES = ["pending", "approved", "rejected", "withdrawn"] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const applications = pgTable(
  "applications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    termNumber: integer("term_number").notNull(),
    statement: text("statement").notNull().default(""),
    status: text("status").$type<ApplicationStatus>().notNull().default("pending"),
    createdAt: tstz("created_at").notNull().defaultNow(),
    decidedAt: tstz("decided_at"),
    decidedBy: uuid("decided_by").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason"),
  },
  (t) => [
    index("applications_council_idx").on(t.councilId, t.status),
    index("applications_user_idx").on(t.userId),
    uniqueIndex("applications_one_pending")
      .on(t.councilId, t.userId)
      .where(sql`${t.status} = 'pending'`),
    check("applications_status_valid", sql`${t.status} in ('pending','approved','rejected','withdrawn')`),
  ],
);

/** A manager invites a number; the invitation waits until that number has an account and answers. */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "cascade" }),
    phone: text("phone").notNull(),
    termNumber: integer("term_number").notNull(),
    status: text("status").$type<"pending" | "accepted" | "declined" | "revoked">().notNull().default("pending"),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
    respondedAt: tstz("responded_at"),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("invitations_phone_idx").on(t.phone, t.status),
    uniqueIndex("invitations_one_pending")
      .on(t.councilId, t.phone)
      .where(sql`${t.status} = 'pending'`),
    check("invitations_status_valid", sql`${t.status} in ('pending','accepted','declined','revoked')`),
    check("invitations_phone_format", sql`${t.phone} ~ '^\\+989[0-9]{9}$'`),
  ],
);

/** Neighborhoods a person follows. */
export const follows = pgTable(
  "follows",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    neighborhoodId: uuid("neighborhood_id")
      .notNull()
      .references(() => neighborhoods.id, { onDelete: "cascade" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.neighborhoodId] })],
);

/** City-wide list of proposal categories the admin keeps (culture, safety, green space, …). */
export const categories = pgTable(
  "categories",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    nameKey: text("name_key").notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
    isActive: boolean("is_active").notNull().default(true),
    /** The commission an adopted proposal of this topic goes to unless the chair picks another. */
    defaultCommissionId: uuid("default_commission_id").references(() => commissions.id, { onDelete: "set null" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("categories_name_key_key").on(t.nameKey)],
);

export const PROPOSAL_STATUSES = [
  "open",
  "on_agenda",
  "voting",
  "adopted",
  "not_adopted",
  "in_review",
  "accepted",
  "declined",
  "returned",
  "referred_unit",
  "in_progress",
  "done",
  "withdrawn",
] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** A local issue filed to a council. */
export const proposals = pgTable(
  "proposals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "restrict" }),
    // Copied from the council for scope checks and district/city lists without joins.
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    neighborhoodId: uuid("neighborhood_id")
      .notNull()
      .references(() => neighborhoods.id, { onDelete: "restrict" }),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    /** District staff who filed it for a resident who came in person. */
    filedById: uuid("filed_by_id").references(() => users.id, { onDelete: "set null" }),
    onBehalfName: text("on_behalf_name"),
    onBehalfPhone: text("on_behalf_phone"),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** A short number people can type: «طرح ۱۲۳»; replying it by SMS supports the proposal. */
    number: integer("number").notNull().generatedByDefaultAsIdentity(),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => categories.id, { onDelete: "restrict" }),
    place: text("place").notNull().default(""),
    status: text("status").$type<ProposalStatus>().notNull().default("open"),
    supportCount: integer("support_count").notNull().default(0),
    // Millisecond precision: the list's keyset cursor carries a JavaScript Date, which has no
    // microseconds; with them, rows filed within the same millisecond could fall between pages.
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 }).notNull().defaultNow(),
    editedAt: tstz("edited_at"),
    statusChangedAt: tstz("status_changed_at").notNull().defaultNow(),
  },
  (t) => [
    index("proposals_council_idx").on(t.councilId, t.createdAt, t.id),
    index("proposals_neighborhood_idx").on(t.neighborhoodId, t.createdAt, t.id),
    index("proposals_district_idx").on(t.districtId, t.createdAt, t.id),
    index("proposals_city_idx").on(t.createdAt, t.id),
    index("proposals_status_idx").on(t.status, t.createdAt, t.id),
    uniqueIndex("proposals_number_key").on(t.number),
    check(
      "proposals_status_valid",
      sql`${t.status} in ('open','on_agenda','voting','adopted','not_adopted','in_review','accepted','declined','returned','referred_unit','in_progress','done','withdrawn')`,
    ),
    check("proposals_support_count_nonneg", sql`${t.supportCount} >= 0`),
    check("proposals_title_length", sql`char_length(${t.title}) between 5 and 150`),
    check("proposals_body_length", sql`char_length(${t.body}) between 10 and 10000`),
    // Either a signed-in author, or a resident filed for by staff (then name and number are recorded).
    check(
      "proposals_author_or_on_behalf",
      sql`(${t.authorId} is not null) or (${t.filedById} is not null and ${t.onBehalfName} is not null and ${t.onBehalfPhone} is not null)`,
    ),
  ],
);

/** One support per account per proposal: the primary key makes it true under any concurrency. */
export const supports = pgTable(
  "supports",
  {
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.proposalId, t.userId] }),
    index("supports_user_idx").on(t.userId),
    // Analytics reads a period's supports by when they were given (decision 026).
    index("supports_created_idx").on(t.createdAt),
  ],
);

/** The public timeline of a proposal: filed, edited, supported to the agenda, vote, decision, progress. */
export const proposalEvents = pgTable(
  "proposal_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    at: tstz("at").notNull().defaultNow(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>(),
  },
  (t) => [index("proposal_events_proposal_idx").on(t.proposalId, t.id)],
);

/** A council's formal vote on one proposal. Closed exactly once, by a guarded update. */
export const votes = pgTable(
  "votes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "restrict" }),
    round: integer("round").notNull().default(1),
    status: text("status").$type<"open" | "closed">().notNull().default("open"),
    openedBy: uuid("opened_by").references(() => users.id, { onDelete: "set null" }),
    opensAt: tstz("opens_at").notNull().defaultNow(),
    closesAt: tstz("closes_at").notNull(),
    closedAt: tstz("closed_at"),
    forCount: integer("for_count"),
    againstCount: integer("against_count"),
    abstainCount: integer("abstain_count"),
    activeMembers: integer("active_members"),
    quorumNeeded: integer("quorum_needed"),
    result: text("result").$type<"adopted" | "not_adopted">(),
  },
  (t) => [
    uniqueIndex("votes_one_open_per_proposal")
      .on(t.proposalId)
      .where(sql`${t.status} = 'open'`),
    uniqueIndex("votes_proposal_round_key").on(t.proposalId, t.round),
    index("votes_due_idx")
      .on(t.closesAt)
      .where(sql`${t.status} = 'open'`),
    check("votes_status_valid", sql`${t.status} in ('open','closed')`),
    check("votes_window", sql`${t.closesAt} > ${t.opensAt}`),
    check("votes_result_valid", sql`${t.result} is null or ${t.result} in ('adopted','not_adopted')`),
    check("votes_closed_consistent", sql`(${t.status} = 'closed') = (${t.closedAt} is not null and ${t.result} is not null)`),
  ],
);

/** One ballot per member per vote (the key), changeable until the vote closes. */
export const ballots = pgTable(
  "ballots",
  {
    voteId: uuid("vote_id")
      .notNull()
      .references(() => votes.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    choice: text("choice").$type<"for" | "against" | "abstain">().notNull(),
    castAt: tstz("cast_at").notNull().defaultNow(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.voteId, t.userId] }), check("ballots_choice_valid", sql`${t.choice} in ('for','against','abstain')`)],
);

export const DECISIONS = ["accepted", "declined", "returned", "referred_unit"] as const;
export type Decision = (typeof DECISIONS)[number];

/** An adopted proposal sent to a commission, and the commission's published decision. */
export const referrals = pgTable(
  "referrals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    commissionId: uuid("commission_id")
      .notNull()
      .references(() => commissions.id, { onDelete: "restrict" }),
    referredBy: uuid("referred_by").references(() => users.id, { onDelete: "set null" }),
    referredAt: tstz("referred_at").notNull().defaultNow(),
    dueAt: tstz("due_at").notNull(),
    decision: text("decision").$type<Decision>(),
    rationale: text("rationale"),
    unitName: text("unit_name"),
    decidedBy: uuid("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: tstz("decided_at"),
  },
  (t) => [
    index("referrals_commission_idx").on(t.commissionId, t.decidedAt, t.dueAt),
    uniqueIndex("referrals_one_pending_per_proposal")
      .on(t.proposalId)
      .where(sql`${t.decidedAt} is null`),
    check("referrals_decision_valid", sql`${t.decision} is null or ${t.decision} in ('accepted','declined','returned','referred_unit')`),
    // A decision always comes with its written rationale (and a unit when referred to one).
    check(
      "referrals_decision_complete",
      sql`(${t.decision} is null and ${t.decidedAt} is null) or (${t.decision} is not null and ${t.decidedAt} is not null and char_length(coalesce(${t.rationale}, '')) >= 10)`,
    ),
    check("referrals_unit_named", sql`${t.decision} is distinct from 'referred_unit' or char_length(coalesce(${t.unitName}, '')) >= 2`),
  ],
);

/** Progress published after a decision (in progress, done), with its date and author. */
export const progressUpdates = pgTable(
  "progress_updates",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    status: text("status").$type<"in_progress" | "done">().notNull(),
    note: text("note").notNull(),
    postedBy: uuid("posted_by").references(() => users.id, { onDelete: "set null" }),
    postedAt: tstz("posted_at").notNull().defaultNow(),
  },
  (t) => [
    index("progress_updates_proposal_idx").on(t.proposalId, t.id),
    check("progress_updates_status_valid", sql`${t.status} in ('in_progress','done')`),
  ],
);

// ---------------------------------------------------------------------------
// Discussion threads

export const THREAD_KINDS = ["council", "proposal", "commission"] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];

/**
 * One discussion (گفتگو): a council's, a proposal's, or a commission's review of a proposal.
 * `last_seq` numbers every event of the thread; taking the next number locks the row, so two
 * instances never hand out the same one.
 */
export const threads = pgTable(
  "threads",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").$type<ThreadKind>().notNull(),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "restrict" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    neighborhoodId: uuid("neighborhood_id")
      .notNull()
      .references(() => neighborhoods.id, { onDelete: "restrict" }),
    proposalId: uuid("proposal_id").references(() => proposals.id, { onDelete: "cascade" }),
    commissionId: uuid("commission_id").references(() => commissions.id, { onDelete: "restrict" }),
    lastSeq: integer("last_seq").notNull().default(0),
    messageCount: integer("message_count").notNull().default(0),
    lastMessageAt: tstz("last_message_at"),
    lockedAt: tstz("locked_at"),
    lockedBy: uuid("locked_by").references(() => users.id, { onDelete: "set null" }),
    lockReason: text("lock_reason"),
    pinnedMessageId: uuid("pinned_message_id"),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("threads_one_per_council")
      .on(t.councilId)
      .where(sql`${t.kind} = 'council'`),
    uniqueIndex("threads_one_per_proposal")
      .on(t.proposalId)
      .where(sql`${t.kind} = 'proposal'`),
    uniqueIndex("threads_one_per_review")
      .on(t.proposalId, t.commissionId)
      .where(sql`${t.kind} = 'commission'`),
    index("threads_district_idx").on(t.districtId),
    // The city's liveliest public discussions, for the home page.
    index("threads_recent_idx")
      .on(t.lastMessageAt)
      .where(sql`${t.kind} <> 'commission'`),
    check("threads_kind_valid", sql`${t.kind} in ('council','proposal','commission')`),
    check(
      "threads_kind_columns",
      sql`(${t.kind} = 'council' and ${t.proposalId} is null and ${t.commissionId} is null)
       or (${t.kind} = 'proposal' and ${t.proposalId} is not null and ${t.commissionId} is null)
       or (${t.kind} = 'commission' and ${t.proposalId} is not null and ${t.commissionId} is not null)`,
    ),
    check("threads_seq_nonneg", sql`${t.lastSeq} >= 0 and ${t.messageCount} >= 0`),
  ],
);

/** A message in a thread. Deleting or hiding keeps the row: the thread shows a trace. */
export const threadMessages = pgTable(
  "thread_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    threadId: uuid("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    /** The thread event number it was posted with: its place in the thread. */
    seq: integer("seq").notNull(),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    replyToId: uuid("reply_to_id"),
    /** An answer by the culture and social deputy's office, shown distinctly. */
    official: boolean("official").notNull().default(false),
    /** Chosen by the sender's form: the same key twice is the same message, sent again. */
    clientKey: text("client_key"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 }).notNull().defaultNow(),
    editedAt: tstz("edited_at"),
    deletedAt: tstz("deleted_at"),
    hiddenAt: tstz("hidden_at"),
    hiddenBy: uuid("hidden_by").references(() => users.id, { onDelete: "set null" }),
    hiddenKind: text("hidden_kind").$type<"reports" | "moderator">(),
    hiddenReason: text("hidden_reason"),
    reportCount: integer("report_count").notNull().default(0),
    /** The last event number that changed it. */
    version: integer("version").notNull(),
  },
  (t) => [
    uniqueIndex("thread_messages_seq").on(t.threadId, t.seq),
    uniqueIndex("thread_messages_client_key").on(t.threadId, t.authorId, t.clientKey),
    index("thread_messages_thread_time_idx").on(t.threadId, t.createdAt),
    // Analytics reads a period's messages city- or district-wide by their time (decision 026).
    index("thread_messages_created_idx").on(t.createdAt),
    index("thread_messages_reported_idx")
      .on(t.threadId)
      .where(sql`${t.reportCount} > 0 or ${t.hiddenKind} = 'reports'`),
    check("thread_messages_body_length", sql`char_length(${t.body}) between 1 and ${sql.raw(String(MESSAGE_MAX_LENGTH))}`),
    check("thread_messages_hidden_kind_valid", sql`${t.hiddenKind} is null or ${t.hiddenKind} in ('reports','moderator')`),
    check("thread_messages_hidden_complete", sql`(${t.hiddenAt} is null) = (${t.hiddenKind} is null)`),
    check("thread_messages_reports_nonneg", sql`${t.reportCount} >= 0`),
  ],
);

export const THREAD_EVENT_KINDS = [
  "posted",
  "edited",
  "deleted",
  "hidden",
  "restored",
  "pinned",
  "unpinned",
  "locked",
  "unlocked",
] as const;
export type ThreadEventKind = (typeof THREAD_EVENT_KINDS)[number];

/** Every change to a thread, numbered: a client that was away asks for everything after its last number. */
export const threadEvents = pgTable(
  "thread_events",
  {
    threadId: uuid("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    kind: text("kind").$type<ThreadEventKind>().notNull(),
    messageId: uuid("message_id").references(() => threadMessages.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    at: tstz("at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.seq] }), check("thread_events_seq_positive", sql`${t.seq} >= 1`)],
);

/** What a message said before each edit: for moderators only. */
export const messageEdits = pgTable(
  "message_edits",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => threadMessages.id, { onDelete: "cascade" }),
    previousBody: text("previous_body").notNull(),
    editedAt: tstz("edited_at").notNull().defaultNow(),
  },
  (t) => [index("message_edits_message_idx").on(t.messageId, t.id)],
);

/** A reader's report of a message. One per reader per message. */
export const messageReports = pgTable(
  "message_reports",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => threadMessages.id, { onDelete: "cascade" }),
    reporterId: uuid("reporter_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason").notNull(),
    createdAt: tstz("created_at").notNull().defaultNow(),
    resolvedAt: tstz("resolved_at"),
    resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
    resolution: text("resolution").$type<"hidden" | "restored" | "dismissed">(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.reporterId] }),
    index("message_reports_open_idx")
      .on(t.createdAt)
      .where(sql`${t.resolvedAt} is null`),
    check("message_reports_reason_length", sql`char_length(${t.reason}) between 3 and 500`),
    check("message_reports_resolution_valid", sql`${t.resolution} is null or ${t.resolution} in ('hidden','restored','dismissed')`),
  ],
);

/** A person kept from writing in one thread until a moment. */
export const threadMutes = pgTable(
  "thread_mutes",
  {
    threadId: uuid("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    until: tstz("until").notNull(),
    reason: text("reason").notNull(),
    mutedBy: uuid("muted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
);

/** How far a signed-in reader has read a thread: where the "new messages" marker goes next time. */
export const threadReads = pgTable(
  "thread_reads",
  {
    threadId: uuid("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    lastSeq: integer("last_seq").notNull(),
    readAt: tstz("read_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
);

// ---------------------------------------------------------------------------
// Surfacing to the culture and social deputy

export { ESCALATION_STATES, URGENCIES };
export type { EscalationState, SurfacingSignal, Urgency };

/**
 * A thread on the deputy's desk, escalated by a manager or chair or surfaced by its signals.
 * One item per thread: escalating again updates it.
 */
export const escalations = pgTable(
  "escalations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    threadId: uuid("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    neighborhoodId: uuid("neighborhood_id")
      .notNull()
      .references(() => neighborhoods.id, { onDelete: "restrict" }),
    categoryId: uuid("category_id").references(() => categories.id, { onDelete: "set null" }),
    urgency: text("urgency").$type<Urgency>().notNull().default("normal"),
    state: text("state").$type<EscalationState>().notNull().default("new"),
    note: text("note"),
    escalatedBy: uuid("escalated_by").references(() => users.id, { onDelete: "set null" }),
    escalatedAt: tstz("escalated_at"),
    signals: jsonb("signals").$type<SurfacingSignal[]>().notNull().default([]),
    surfacedAt: tstz("surfaced_at"),
    stateNote: text("state_note"),
    stateBy: uuid("state_by").references(() => users.id, { onDelete: "set null" }),
    stateChangedAt: tstz("state_changed_at").notNull().defaultNow(),
    createdAt: tstz("created_at").notNull().defaultNow(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("escalations_one_per_thread").on(t.threadId),
    index("escalations_desk_idx").on(t.state, t.updatedAt),
    check("escalations_urgency_valid", sql`${t.urgency} in ('normal','high','urgent')`),
    check("escalations_state_valid", sql`${t.state} in ('new','seen','following','resolved')`),
    // Either someone escalated it or signals surfaced it.
    check("escalations_has_source", sql`${t.escalatedAt} is not null or ${t.surfacedAt} is not null`),
  ],
);

/** The item's history: escalations, surfacings and state changes with their notes. */
export const escalationEvents = pgTable(
  "escalation_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    escalationId: uuid("escalation_id")
      .notNull()
      .references(() => escalations.id, { onDelete: "cascade" }),
    at: tstz("at").notNull().defaultNow(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind").$type<"escalated" | "surfaced" | "state">().notNull(),
    state: text("state").$type<EscalationState>(),
    urgency: text("urgency").$type<Urgency>(),
    note: text("note"),
    data: jsonb("data").$type<Record<string, unknown>>(),
  },
  (t) => [index("escalation_events_item_idx").on(t.escalationId, t.id)],
);

/** The thresholds for surfacing threads on their own; one row, kept by the deputy. */
export const surfacingSettings = pgTable(
  "surfacing_settings",
  {
    id: integer("id").primaryKey().default(1),
    burstWindowMinutes: integer("burst_window_minutes").notNull().default(60),
    burstMinMessages: integer("burst_min_messages").notNull().default(12),
    /** A burst is this many times the thread's usual pace (per window, over the past week). */
    burstFactor: integer("burst_factor").notNull().default(4),
    participantsWindowHours: integer("participants_window_hours").notNull().default(24),
    participantsMin: integer("participants_min").notNull().default(15),
    reportsWindowHours: integer("reports_window_hours").notNull().default(24),
    reportsMin: integer("reports_min").notNull().default(5),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check("surfacing_settings_single", sql`${t.id} = 1`),
    check(
      "surfacing_settings_ranges",
      sql`${t.burstWindowMinutes} between 5 and 1440 and ${t.burstMinMessages} between 2 and 10000 and ${t.burstFactor} between 2 and 100
       and ${t.participantsWindowHours} between 1 and 720 and ${t.participantsMin} between 2 and 100000
       and ${t.reportsWindowHours} between 1 and 720 and ${t.reportsMin} between 1 and 100000`,
    ),
  ],
);

/**
 * What the public search finds: one row per public proposal, council, neighborhood, commission
 * decision and visible message of a public discussion, its text normalized by the app
 * (app/utils/search-text.ts) and matched with trigrams. Kept by app/domain/search; see
 * docs/decisions/023-search-that-reads-persian.md.
 */
export const searchEntries = pgTable(
  "search_entries",
  {
    kind: text("kind").$type<SearchKind>().notNull(),
    sourceId: uuid("source_id").notNull(),
    districtId: uuid("district_id"),
    neighborhoodId: uuid("neighborhood_id"),
    councilId: uuid("council_id"),
    proposalId: uuid("proposal_id"),
    threadId: uuid("thread_id"),
    status: text("status"),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    /** searchWords(title + body): the words, one space apart. */
    words: text("words").notNull(),
    /** searchCompact(title + body): the same without spaces, for compounds typed either way. */
    compact: text("compact").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date", precision: 3 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.sourceId] }),
    index("search_entries_compact_trgm").using("gin", t.compact.op("gin_trgm_ops")),
    index("search_entries_at_idx").on(t.at, t.sourceId),
    // A kind and a proposal status, newest first (a status with few proposals among many matches).
    index("search_entries_kind_status_at_idx").on(t.kind, t.status, t.at, t.sourceId),
    check("search_entries_kind_valid", sql`${t.kind} in ('proposal','council','neighborhood','decision','message')`),
  ],
);

/**
 * Every word of five letters or more that the index has seen (normalized, as in `words`): a typo
 * is matched against these few, short rows, and the search then runs on the nearest spellings.
 * Words are never removed: a word alone says nothing, and hits still come from public entries only.
 */
export const searchVocabulary = pgTable(
  "search_vocabulary",
  {
    word: text("word").primaryKey(),
  },
  (t) => [index("search_vocabulary_word_trgm").using("gin", t.word.op("gin_trgm_ops"))],
);

/** Rows whose search entry must be (re)written: filled by triggers, emptied by the indexer. */
export const searchDirty = pgTable(
  "search_dirty",
  {
    kind: text("kind").$type<SearchKind>().notNull(),
    sourceId: uuid("source_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.sourceId] })],
);

// ---------------------------------------------------------------------------
// Inbox (کارتابل), notifications and text messages

/**
 * Something happened that people should hear about, written in the same transaction as the change
 * itself (so a notice is never lost and never sent for a change that rolled back). A worker on any
 * instance turns it into inbox rows for its audience in one statement (INSERT … SELECT), off the
 * request that caused it; `processed_at` marks it done, `FOR UPDATE SKIP LOCKED` gives each notice
 * to one worker.
 */
export const notices = pgTable(
  "notices",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    /** What the inbox groups by: one row per person and item («۱۲ پیام تازه در …»). */
    itemKey: text("item_key").notNull(),
    link: text("link").notNull(),
    params: jsonb("params").$type<Record<string, string | number>>().notNull().default({}),
    /** Who hears about it; see app/domain/notifications.server.ts. */
    audience: jsonb("audience").$type<Record<string, unknown>>().notNull(),
    /** The person who caused it never hears about their own act. */
    actorId: uuid("actor_id"),
    createdAt: tstz("created_at").notNull().defaultNow(),
    processedAt: tstz("processed_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    recipients: integer("recipients"),
  },
  (t) => [
    index("notices_pending_idx")
      .on(t.id)
      .where(sql`${t.processedAt} is null`),
  ],
);

/** A person's inbox: one row per item, updated (count, time, unread) when the item has news again. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    itemKey: text("item_key").notNull(),
    link: text("link").notNull(),
    params: jsonb("params").$type<Record<string, string | number>>().notNull().default({}),
    /** How many notices this item gathered since it was last read. */
    count: integer("count").notNull().default(1),
    noticeId: bigint("notice_id", { mode: "number" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date", precision: 3 }).notNull().defaultNow(),
    readAt: tstz("read_at"),
  },
  (t) => [
    uniqueIndex("notifications_user_item_key").on(t.userId, t.itemKey),
    index("notifications_user_recent_idx").on(t.userId, t.updatedAt, t.id),
    index("notifications_user_unread_idx")
      .on(t.userId)
      .where(sql`${t.readAt} is null`),
    check("notifications_count_positive", sql`${t.count} >= 1`),
  ],
);

/**
 * Reminders a person gets at most once (a vote closing soon: `vote_closing:<voteId>`): the
 * scheduled job inserts the key first and tells only those whose row was new, so two instances or
 * two runs never remind anyone twice.
 */
export const noticeOnce = pgTable(
  "notice_once",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/** A person's choices for the whole inbox: SMS-only, stopped by «لغو», and the hours SMS may arrive (Tehran time). */
export const notificationSettings = pgTable(
  "notification_settings",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Uses the platform by SMS (no smartphone): important notices go by SMS unless turned off. */
    smsOnly: boolean("sms_only").notNull().default(false),
    /** Set by replying «لغو»: no notice goes by SMS until the person turns SMS on again. */
    smsStoppedAt: tstz("sms_stopped_at"),
    /** SMS may arrive only between these minutes of the Tehran day; null: at any time. */
    smsFromMinute: integer("sms_from_minute"),
    smsUntilMinute: integer("sms_until_minute"),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check(
      "notification_settings_window",
      sql`(${t.smsFromMinute} is null and ${t.smsUntilMinute} is null)
       or (${t.smsFromMinute} between 0 and 1439 and ${t.smsUntilMinute} between 1 and 1440 and ${t.smsUntilMinute} > ${t.smsFromMinute})`,
    ),
  ],
);

// ---------------------------------------------------------------------------
// Meetings, roll call and minutes

export const MEETING_KINDS = ["regular", "extra"] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_STATUSES = ["scheduled", "in_session", "closed", "cancelled"] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/**
 * A council meeting (جلسه): numbered within its council, regular (on the yearly schedule) or
 * extra (فوق‌العاده). When it closes, the quorum it had is written down and never recomputed.
 */
export const meetings = pgTable(
  "meetings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "restrict" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    number: integer("number").notNull(),
    kind: text("kind").$type<MeetingKind>().notNull().default("regular"),
    status: text("status").$type<MeetingStatus>().notNull().default("scheduled"),
    startsAt: tstz("starts_at").notNull(),
    endsAt: tstz("ends_at").notNull(),
    place: text("place").notNull(),
    /** Who chairs this meeting (the council's chair unless another member is named). */
    chairId: uuid("chair_id").references(() => users.id, { onDelete: "set null" }),
    invitees: text("invitees").notNull().default(""),
    openedAt: tstz("opened_at"),
    closedAt: tstz("closed_at"),
    /** Written when the meeting closes: seats, members present, the quorum needed and whether it was met. */
    seats: integer("seats"),
    presentCount: integer("present_count"),
    quorumNeeded: integer("quorum_needed"),
    quorumMet: boolean("quorum_met"),
    cancelReason: text("cancel_reason"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("meetings_council_number_key").on(t.councilId, t.number),
    index("meetings_council_time_idx").on(t.councilId, t.startsAt),
    index("meetings_district_time_idx").on(t.districtId, t.startsAt),
    check("meetings_kind_valid", sql`${t.kind} in ('regular','extra')`),
    check("meetings_status_valid", sql`${t.status} in ('scheduled','in_session','closed','cancelled')`),
    check("meetings_number_positive", sql`${t.number} >= 1`),
    check("meetings_window", sql`${t.endsAt} > ${t.startsAt}`),
    check("meetings_place_length", sql`char_length(${t.place}) between 2 and 200`),
    check(
      "meetings_closed_complete",
      sql`(${t.status} = 'closed') = (${t.closedAt} is not null and ${t.quorumMet} is not null and ${t.presentCount} is not null and ${t.quorumNeeded} is not null)`,
    ),
  ],
);

/** Per kind: in the app only (sms = false) or also by SMS. No row: the kind's default. */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    sms: boolean("sms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

export const SMS_STATUSES = ["pending", "sending", "sent", "failed"] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

/**
 * The durable SMS outbox: a message is written here (with the change that caused it) and a worker
 * sends it. A gateway that is down only delays it (retries with backoff); the unique key gives one
 * message per notice however many instances run; a claimed message carries a lease so one that a
 * crashed instance held is sent again later.
 */
export const smsMessages = pgTable(
  "sms_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    toPhone: text("to_phone").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    purpose: text("purpose").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    body: text("body").notNull(),
    status: text("status").$type<SmsStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull().defaultNow(),
    leaseUntil: tstz("lease_until"),
    lastError: text("last_error"),
    providerMessageId: text("provider_message_id"),
    sentAt: tstz("sent_at"),
    deliveryStatus: text("delivery_status"),
    deliveredAt: tstz("delivered_at"),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sms_messages_dedupe_key").on(t.dedupeKey),
    index("sms_messages_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending','sending')`),
    index("sms_messages_provider_idx").on(t.providerMessageId),
    check("sms_messages_status_valid", sql`${t.status} in ('pending','sending','sent','failed')`),
    check("sms_messages_body_length", sql`char_length(${t.body}) between 1 and 480`),
    check("sms_messages_phone_format", sql`${t.toPhone} ~ '^\\+989[0-9]{9}$'`),
  ],
);

/** Every text message received, kept with what was done with it. The provider's id makes a redelivery a no-op. */
export const smsInbound = pgTable(
  "sms_inbound",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    provider: text("provider").notNull(),
    providerMessageId: text("provider_message_id").notNull(),
    fromRaw: text("from_raw").notNull(),
    phone: text("phone"),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** The first 1,000 characters; `body_length` says how long it really was. */
    body: text("body").notNull(),
    bodyLength: integer("body_length").notNull(),
    outcome: text("outcome").notNull(),
    proposalId: uuid("proposal_id").references(() => proposals.id, { onDelete: "set null" }),
    receivedAt: tstz("received_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sms_inbound_provider_message_key").on(t.provider, t.providerMessageId),
    index("sms_inbound_user_idx").on(t.userId, t.id),
    check("sms_inbound_body_length", sql`char_length(${t.body}) <= 1000 and char_length(${t.fromRaw}) <= 40`),
  ],
);

/** A government counter office (دفتر پیشخوان) whose staff act for residents who come in person. */
export const counterOffices = pgTable(
  "counter_offices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    /** The office's licence number, as written on its sign. */
    code: text("code").notNull(),
    createdAt: tstz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("counter_offices_code_key").on(t.code),
    check("counter_offices_name_length", sql`char_length(${t.name}) between 2 and 100`),
  ],
);

/**
 * An act an office operator does for a resident: it waits for the code the resident got by SMS,
 * then is done as the resident and gets a tracking code (کد رهگیری) anyone may look up.
 */
export const counterRequests = pgTable(
  "counter_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    officeId: uuid("office_id")
      .notNull()
      .references(() => counterOffices.id, { onDelete: "restrict" }),
    operatorId: uuid("operator_id").references(() => users.id, { onDelete: "set null" }),
    residentId: uuid("resident_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    action: text("action").$type<"support">().notNull(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: tstz("expires_at").notNull(),
    status: text("status").$type<"pending" | "done" | "refused" | "expired">().notNull().default("pending"),
    outcome: text("outcome"),
    trackingCode: text("tracking_code"),
    createdAt: tstz("created_at").notNull().defaultNow(),
    confirmedAt: tstz("confirmed_at"),
  },
  (t) => [
    uniqueIndex("counter_requests_tracking_key").on(t.trackingCode),
    index("counter_requests_office_idx").on(t.officeId, t.createdAt),
    check("counter_requests_action_valid", sql`${t.action} in ('support')`),
    check("counter_requests_status_valid", sql`${t.status} in ('pending','done','refused','expired')`),
    check("counter_requests_tracking_when_done", sql`(${t.status} in ('done','refused')) = (${t.trackingCode} is not null)`),
  ],
);

/** The agenda: proposals on the council's agenda and free items, in order. */
export const meetingAgendaItems = pgTable(
  "meeting_agenda_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    proposalId: uuid("proposal_id").references(() => proposals.id, { onDelete: "restrict" }),
    title: text("title").notNull(),
  },
  (t) => [
    uniqueIndex("meeting_agenda_items_position_key").on(t.meetingId, t.position),
    uniqueIndex("meeting_agenda_items_proposal_key")
      .on(t.meetingId, t.proposalId)
      .where(sql`${t.proposalId} is not null`),
    check("meeting_agenda_items_title_length", sql`char_length(${t.title}) between 2 and 200`),
  ],
);

export const ATTENDANCE = ["present", "absent", "excused", "late"] as const;
export type Attendance = (typeof ATTENDANCE)[number];

/** The roll call: one row per member per meeting (the key), changed in place as the secretary corrects it. */
export const meetingAttendance = pgTable(
  "meeting_attendance",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status").$type<Attendance>().notNull(),
    arrivedAt: tstz("arrived_at"),
    markedBy: uuid("marked_by").references(() => users.id, { onDelete: "set null" }),
    markedAt: tstz("marked_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.meetingId, t.userId] }),
    check("meeting_attendance_status_valid", sql`${t.status} in ('present','absent','excused','late')`),
    check("meeting_attendance_late_time", sql`(${t.status} = 'late') = (${t.arrivedAt} is not null)`),
  ],
);

export const MINUTES_STATUSES = ["draft", "circulating", "approved"] as const;
export type MinutesStatus = (typeof MINUTES_STATUSES)[number];

/**
 * The minutes (صورتجلسه) of a meeting. Drafted by the secretary, sent round to the members who were
 * present, and approved by a majority of them; approved minutes are locked by a trigger (no UPDATE,
 * no DELETE, nothing added or changed under them). A correction is a new record that names the one
 * it corrects.
 */
export const minutes = pgTable(
  "minutes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "restrict" }),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "restrict" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    version: integer("version").notNull().default(1),
    correctsId: uuid("corrects_id"),
    status: text("status").$type<MinutesStatus>().notNull().default("draft"),
    summary: text("summary").notNull().default(""),
    draftedBy: uuid("drafted_by").references(() => users.id, { onDelete: "set null" }),
    circulatedAt: tstz("circulated_at"),
    respondBy: tstz("respond_by"),
    approvedAt: tstz("approved_at"),
    createdAt: tstz("created_at").notNull().defaultNow(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("minutes_meeting_version_key").on(t.meetingId, t.version),
    // One record in the making per meeting: a correction waits until the one before is approved.
    uniqueIndex("minutes_one_open_per_meeting")
      .on(t.meetingId)
      .where(sql`${t.status} <> 'approved'`),
    index("minutes_district_idx").on(t.districtId, t.status),
    check("minutes_status_valid", sql`${t.status} in ('draft','circulating','approved')`),
    check("minutes_version_positive", sql`${t.version} >= 1`),
    check("minutes_correction_linked", sql`(${t.version} = 1) = (${t.correctsId} is null)`),
    check("minutes_circulated_complete", sql`${t.status} = 'draft' or (${t.circulatedAt} is not null and ${t.respondBy} is not null)`),
    check("minutes_approved_complete", sql`(${t.status} = 'approved') = (${t.approvedAt} is not null)`),
    check("minutes_summary_length", sql`char_length(${t.summary}) <= 10000`),
  ],
);

/** What was said about each agenda item. */
export const minutesItems = pgTable(
  "minutes_items",
  {
    minutesId: uuid("minutes_id")
      .notNull()
      .references(() => minutes.id, { onDelete: "restrict" }),
    position: integer("position").notNull(),
    agendaItemId: uuid("agenda_item_id").references(() => meetingAgendaItems.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.minutesId, t.position] }),
    check("minutes_items_summary_length", sql`char_length(${t.summary}) between 1 and 5000`),
  ],
);

/** A numbered decision («مقرر شد …») with the body responsible and an optional due date and proposal. */
export const minutesDecisions = pgTable(
  "minutes_decisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    minutesId: uuid("minutes_id")
      .notNull()
      .references(() => minutes.id, { onDelete: "restrict" }),
    number: integer("number").notNull(),
    text: text("text").notNull(),
    responsible: text("responsible").notNull(),
    dueOn: date("due_on", { mode: "string" }),
    proposalId: uuid("proposal_id").references(() => proposals.id, { onDelete: "restrict" }),
    /** A show of hands that adopted (or did not adopt) the linked proposal. */
    tallyFor: integer("tally_for"),
    tallyAgainst: integer("tally_against"),
    tallyAbstain: integer("tally_abstain"),
  },
  (t) => [
    uniqueIndex("minutes_decisions_number_key").on(t.minutesId, t.number),
    check("minutes_decisions_number_positive", sql`${t.number} >= 1`),
    check("minutes_decisions_text_length", sql`char_length(${t.text}) between 3 and 2000`),
    check("minutes_decisions_responsible_length", sql`char_length(${t.responsible}) between 2 and 200`),
    check(
      "minutes_decisions_tally_complete",
      sql`(${t.tallyFor} is null and ${t.tallyAgainst} is null and ${t.tallyAbstain} is null)
       or (${t.proposalId} is not null and ${t.tallyFor} >= 0 and ${t.tallyAgainst} >= 0 and ${t.tallyAbstain} >= 0)`,
    ),
  ],
);

/** A present member's answer to circulated minutes: approve, or object with a comment. One each. */
export const minutesResponses = pgTable(
  "minutes_responses",
  {
    minutesId: uuid("minutes_id")
      .notNull()
      .references(() => minutes.id, { onDelete: "restrict" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    verdict: text("verdict").$type<"approve" | "object">().notNull(),
    comment: text("comment"),
    at: tstz("at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.minutesId, t.userId] }),
    check("minutes_responses_verdict_valid", sql`${t.verdict} in ('approve','object')`),
    check("minutes_responses_objection_explained", sql`${t.verdict} = 'approve' or char_length(coalesce(${t.comment}, '')) >= 3`),
  ],
);

/** The district's answer to a member who crossed the absence rule: kept with a note, or removed. */
export const absenceReviews = pgTable(
  "absence_reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    membershipId: uuid("membership_id")
      .notNull()
      .references(() => memberships.id, { onDelete: "cascade" }),
    councilId: uuid("council_id")
      .notNull()
      .references(() => councils.id, { onDelete: "cascade" }),
    outcome: text("outcome").$type<"kept" | "removed">().notNull(),
    note: text("note").notNull(),
    decidedBy: uuid("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: tstz("decided_at").notNull().defaultNow(),
  },
  (t) => [
    index("absence_reviews_membership_idx").on(t.membershipId, t.decidedAt),
    check("absence_reviews_outcome_valid", sql`${t.outcome} in ('kept','removed')`),
    check("absence_reviews_note_length", sql`char_length(${t.note}) between 3 and 1000`),
  ],
);

// ---------------------------------------------------------------------------
// The deputy's policies (ابلاغ)

export const POLICY_RECIPIENTS = ["managers", "chairs", "both"] as const;
export type PolicyRecipients = (typeof POLICY_RECIPIENTS)[number];

/**
 * A policy or guideline of the culture and social deputy. The row holds the draft being written;
 * each publication is a numbered, unchangeable version with its own audience and acknowledgements.
 */
export const policies = pgTable(
  "policies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    effectiveOn: date("effective_on", { mode: "string" }).notNull(),
    allDistricts: boolean("all_districts").notNull().default(true),
    districtIds: jsonb("district_ids").$type<string[]>().notNull().default([]),
    recipients: text("recipients").$type<PolicyRecipients>().notNull().default("both"),
    /** The version now in force (0 until first published). */
    publishedVersion: integer("published_version").notNull().default(0),
    /** Whether the draft differs from the published version. */
    hasDraft: boolean("has_draft").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: tstz("created_at").notNull().defaultNow(),
    updatedAt: tstz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check("policies_title_length", sql`char_length(${t.title}) between 5 and 200`),
    check("policies_body_length", sql`char_length(${t.body}) between 10 and 20000`),
    check("policies_recipients_valid", sql`${t.recipients} in ('managers','chairs','both')`),
    check("policies_published_version_nonneg", sql`${t.publishedVersion} >= 0`),
  ],
);

export const policyVersions = pgTable(
  "policy_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    policyId: uuid("policy_id")
      .notNull()
      .references(() => policies.id, { onDelete: "restrict" }),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    effectiveOn: date("effective_on", { mode: "string" }).notNull(),
    allDistricts: boolean("all_districts").notNull(),
    recipients: text("recipients").$type<PolicyRecipients>().notNull(),
    publishedBy: uuid("published_by").references(() => users.id, { onDelete: "set null" }),
    publishedAt: tstz("published_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("policy_versions_policy_version_key").on(t.policyId, t.version),
    index("policy_versions_published_idx").on(t.publishedAt),
    check("policy_versions_version_positive", sql`${t.version} >= 1`),
    check("policy_versions_recipients_valid", sql`${t.recipients} in ('managers','chairs','both')`),
  ],
);

/** The districts a version is addressed to, when not all. */
export const policyVersionDistricts = pgTable(
  "policy_version_districts",
  {
    versionId: uuid("version_id")
      .notNull()
      .references(() => policyVersions.id, { onDelete: "cascade" }),
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.districtId] }), index("policy_version_districts_district_idx").on(t.districtId)],
);

/** «رؤیت شد»: one per recipient per version. */
export const policyAcknowledgements = pgTable(
  "policy_acknowledgements",
  {
    versionId: uuid("version_id")
      .notNull()
      .references(() => policyVersions.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Acknowledged as the manager of, or a chair in, this district. */
    districtId: uuid("district_id")
      .notNull()
      .references(() => districts.id, { onDelete: "restrict" }),
    at: tstz("at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.userId] })],
);
