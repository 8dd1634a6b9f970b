import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import {
  councils,
  districts,
  memberships,
  neighborhoods,
  policies,
  policyAcknowledgements,
  policyVersionDistricts,
  policyVersions,
  roleAssignments,
  users,
  type PolicyRecipients,
} from "../../db/schema";
import { can, policyRecipientIn, type Actor, type PolicyAudience } from "../utils/permissions";
import { normalizeText, parseJalaliDate } from "../utils/persian";
import { recordAudit } from "./audit.server";
import { recordNotice } from "./notifications.server";
import { Refusal, refusalOf as baseRefusalOf } from "./refusal.server";

export const POLICY_ERRORS = [
  "not_found",
  "forbidden",
  "title_invalid",
  "body_invalid",
  "effective_invalid",
  "audience_empty",
  "district_unknown",
  "nothing_to_publish",
  "not_addressed",
  "concurrent_change",
] as const;
export type PolicyError = (typeof POLICY_ERRORS)[number];
type Fail = { ok: false; error: PolicyError };

const refuse = (error: PolicyError): never => {
  throw new Refusal<PolicyError>(error);
};
const refusalOf = <T>(work: () => Promise<T>) =>
  baseRefusalOf<T, PolicyError>(work, (e) =>
    String((e as Error)?.message ?? "").includes("policy_versions_fixed") ? "concurrent_change" : null,
  );

export interface PolicyDraftInput {
  title: string;
  body: string;
  /** Jalali, as typed. */
  effectiveOn: string;
  allDistricts: boolean;
  districtIds: string[];
  recipients: PolicyRecipients;
}

/**
 * The deputy's office writes or rewrites a policy's draft. A published version is never touched:
 * the draft becomes the next version when it is published.
 */
export async function savePolicyDraft(
  db: Db,
  input: { actor: Actor; policyId?: string | null; now?: Date } & PolicyDraftInput,
): Promise<{ ok: true; policyId: string } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      if (!can(input.actor, "policy.publish")) refuse("forbidden");
      const title = normalizeText(input.title);
      if (title.length < 5 || title.length > 200) refuse("title_invalid");
      const body = normalizeText(input.body, { multiline: true });
      if (body.length < 10 || body.length > 20_000) refuse("body_invalid");
      const effectiveOn = parseJalaliDate(input.effectiveOn);
      if (!effectiveOn) refuse("effective_invalid");
      const districtIds = input.allDistricts ? [] : [...new Set(input.districtIds)];
      if (!input.allDistricts && districtIds.length === 0) refuse("audience_empty");
      if (districtIds.length) {
        const found = await tx.select({ id: districts.id }).from(districts).where(inArray(districts.id, districtIds));
        if (found.length !== districtIds.length) refuse("district_unknown");
      }
      const values = {
        title,
        body,
        effectiveOn: effectiveOn!,
        allDistricts: input.allDistricts,
        districtIds,
        recipients: input.recipients,
        hasDraft: true,
        updatedAt: input.now ?? new Date(),
      };
      if (input.policyId) {
        const [row] = await tx.update(policies).set(values).where(eq(policies.id, input.policyId)).returning({ id: policies.id });
        if (!row) refuse("not_found");
        return { ok: true as const, policyId: row!.id };
      }
      const [row] = await tx
        .insert(policies)
        .values({ ...values, createdBy: input.actor.id })
        .returning({ id: policies.id });
      return { ok: true as const, policyId: row!.id };
    }),
  );
}

/** Publishes the draft as the next version; from now on it is what recipients acknowledge. */
export async function publishPolicy(
  db: Db,
  input: { actor: Actor; policyId: string; now?: Date },
  requestId?: string,
): Promise<{ ok: true; versionId: string; version: number; audience: PolicyAudience } | Fail> {
  const now = input.now ?? new Date();
  return refusalOf(() =>
    db.transaction(async (tx) => {
      if (!can(input.actor, "policy.publish")) refuse("forbidden");
      const [policy] = await tx.select().from(policies).where(eq(policies.id, input.policyId)).for("update");
      if (!policy) refuse("not_found");
      if (!policy.hasDraft) refuse("nothing_to_publish");
      if (!policy.allDistricts && policy.districtIds.length === 0) refuse("audience_empty");
      const version = policy.publishedVersion + 1;
      const [row] = await tx
        .insert(policyVersions)
        .values({
          policyId: policy.id,
          version,
          title: policy.title,
          body: policy.body,
          effectiveOn: policy.effectiveOn,
          allDistricts: policy.allDistricts,
          recipients: policy.recipients,
          publishedBy: input.actor.id,
          publishedAt: now,
        })
        .returning({ id: policyVersions.id });
      if (!policy.allDistricts) {
        await tx.insert(policyVersionDistricts).values(policy.districtIds.map((districtId) => ({ versionId: row!.id, districtId })));
      }
      await tx.update(policies).set({ publishedVersion: version, hasDraft: false, updatedAt: now }).where(eq(policies.id, policy.id));
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "policy.published",
        subjectType: "policy",
        subjectId: policy.id,
        isPublic: true,
        data: { version, title: policy.title },
        requestId,
      });
      // Each recipient's inbox: one row per policy, a new version brings it back unread.
      await recordNotice(tx, {
        kind: "policy_published",
        itemKey: `policy:${policy.id}`,
        link: "/policies",
        params: { title: policy.title, version },
        audience: { policyVersion: row!.id },
        actorId: input.actor.id,
      });
      return {
        ok: true as const,
        versionId: row!.id,
        version,
        audience: { allDistricts: policy.allDistricts, districtIds: policy.districtIds, recipients: policy.recipients },
      };
    }),
  );
}

/** The districts of the councils a person chairs now. */
export async function chairDistricts(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ districtId: councils.districtId })
    .from(memberships)
    .innerJoin(councils, eq(councils.id, memberships.councilId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, "active"), eq(memberships.role, "chair")));
  return [...new Set(rows.map((r) => r.districtId))];
}

async function currentVersion(db: Db, policyId: string) {
  const [row] = await db
    .select({ version: policyVersions, policyVersion: policies.publishedVersion })
    .from(policyVersions)
    .innerJoin(policies, and(eq(policies.id, policyVersions.policyId), eq(policies.publishedVersion, policyVersions.version)))
    .where(eq(policyVersions.policyId, policyId));
  if (!row) return null;
  const districtIds = row.version.allDistricts
    ? []
    : (
        await db
          .select({ id: policyVersionDistricts.districtId })
          .from(policyVersionDistricts)
          .where(eq(policyVersionDistricts.versionId, row.version.id))
      ).map((d) => d.id);
  return {
    ...row.version,
    audience: { allDistricts: row.version.allDistricts, districtIds, recipients: row.version.recipients } as PolicyAudience,
  };
}

/**
 * «رؤیت شد»: a recipient acknowledges the version in force. Only a person it is addressed to (the
 * manager of, or a chair in, a district of its audience); acknowledging twice is one record.
 */
export async function acknowledgePolicy(
  db: Db,
  input: { actor: Actor; policyId: string; now?: Date },
  requestId?: string,
): Promise<{ ok: true; versionId: string; districtId: string } | Fail> {
  return refusalOf(async () => {
    const version = await currentVersion(db, input.policyId);
    if (!version) refuse("not_found");
    const where = policyRecipientIn(input.actor, version!.audience, await chairDistricts(db, input.actor.id));
    if (!where.length) refuse("not_addressed");
    return db.transaction(async (tx) => {
      const inserted = await tx
        .insert(policyAcknowledgements)
        .values({ versionId: version!.id, userId: input.actor.id, districtId: where[0]!, at: input.now ?? new Date() })
        .onConflictDoNothing()
        .returning({ versionId: policyAcknowledgements.versionId });
      if (inserted.length) {
        await recordAudit(tx, {
          actorId: input.actor.id,
          action: "policy.acknowledged",
          subjectType: "policy",
          subjectId: input.policyId,
          districtId: where[0]!,
          data: { version: version!.version },
          requestId,
        });
      }
      return { ok: true as const, versionId: version!.id, districtId: where[0]! };
    });
  });
}

/** Every policy, for the deputy's list: its draft state and the version in force. */
export async function listPolicies(db: Db) {
  return db
    .select({
      id: policies.id,
      title: policies.title,
      effectiveOn: policies.effectiveOn,
      publishedVersion: policies.publishedVersion,
      hasDraft: policies.hasDraft,
      updatedAt: policies.updatedAt,
    })
    .from(policies)
    .orderBy(desc(policies.updatedAt))
    .limit(200);
}

export async function getPolicy(db: Db, policyId: string) {
  const [policy] = await db.select().from(policies).where(eq(policies.id, policyId));
  if (!policy) return null;
  const versions = await db
    .select({
      id: policyVersions.id,
      version: policyVersions.version,
      title: policyVersions.title,
      publishedAt: policyVersions.publishedAt,
      effectiveOn: policyVersions.effectiveOn,
    })
    .from(policyVersions)
    .where(eq(policyVersions.policyId, policyId))
    .orderBy(desc(policyVersions.version));
  return { policy, versions, current: await currentVersion(db, policyId) };
}

export interface Recipient {
  userId: string;
  name: string;
  as: "manager" | "chair";
  councilName: string | null;
  acknowledgedAt: Date | null;
}

export interface DistrictAcknowledgements {
  districtId: string;
  districtName: string;
  districtNumber: number;
  recipients: Recipient[];
  notYet: number;
}

/**
 * Who the version in force is addressed to, district by district (the district's manager and the
 * chairs of its councils, as the audience says), and who has acknowledged it.
 */
export async function acknowledgementsOf(
  db: Db,
  policyId: string,
): Promise<{ versionId: string; version: number; districts: DistrictAcknowledgements[] } | null> {
  const version = await currentVersion(db, policyId);
  if (!version) return null;
  const { audience } = version;
  const districtRows = await db
    .select({ id: districts.id, name: districts.name, number: districts.number })
    .from(districts)
    .where(
      audience.allDistricts
        ? undefined
        : inArray(districts.id, audience.districtIds.length ? audience.districtIds : ["00000000-0000-0000-0000-000000000000"]),
    )
    .orderBy(asc(districts.number));
  const ids = districtRows.map((d) => d.id);
  if (!ids.length) return { versionId: version.id, version: version.version, districts: [] };
  const managers =
    audience.recipients === "chairs"
      ? []
      : await db
          .select({ userId: roleAssignments.userId, districtId: roleAssignments.districtId, name: users.displayName })
          .from(roleAssignments)
          .innerJoin(users, eq(users.id, roleAssignments.userId))
          .where(
            and(eq(roleAssignments.role, "district_manager"), isNull(roleAssignments.revokedAt), inArray(roleAssignments.districtId, ids)),
          );
  const chairs =
    audience.recipients === "managers"
      ? []
      : await db
          .select({ userId: memberships.userId, districtId: councils.districtId, name: users.displayName, councilName: neighborhoods.name })
          .from(memberships)
          .innerJoin(councils, eq(councils.id, memberships.councilId))
          .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(and(eq(memberships.status, "active"), eq(memberships.role, "chair"), inArray(councils.districtId, ids)));
  const acks = await db
    .select({ userId: policyAcknowledgements.userId, at: policyAcknowledgements.at })
    .from(policyAcknowledgements)
    .where(eq(policyAcknowledgements.versionId, version.id));
  const ackAt = new Map(acks.map((a) => [a.userId, a.at]));
  return {
    versionId: version.id,
    version: version.version,
    districts: districtRows.map((d) => {
      const recipients: Recipient[] = [
        ...managers
          .filter((m) => m.districtId === d.id)
          .map((m) => ({ userId: m.userId, name: m.name, as: "manager" as const, councilName: null })),
        ...chairs
          .filter((c) => c.districtId === d.id)
          .map((c) => ({ userId: c.userId, name: c.name, as: "chair" as const, councilName: c.councilName })),
      ].map((r) => ({ ...r, acknowledgedAt: ackAt.get(r.userId) ?? null }));
      return {
        districtId: d.id,
        districtName: d.name,
        districtNumber: d.number,
        recipients,
        notYet: recipients.filter((r) => !r.acknowledgedAt).length,
      };
    }),
  };
}

/** Policies in force in a district (published, effective by `today`), newest first: for council pages. */
export async function policiesInForce(db: Db, districtId: string, today: string) {
  return db
    .select({
      id: policies.id,
      title: policyVersions.title,
      version: policyVersions.version,
      effectiveOn: policyVersions.effectiveOn,
      publishedAt: policyVersions.publishedAt,
    })
    .from(policyVersions)
    .innerJoin(policies, and(eq(policies.id, policyVersions.policyId), eq(policies.publishedVersion, policyVersions.version)))
    .leftJoin(
      policyVersionDistricts,
      and(eq(policyVersionDistricts.versionId, policyVersions.id), eq(policyVersionDistricts.districtId, districtId)),
    )
    .where(
      and(
        lte(policyVersions.effectiveOn, today),
        or(eq(policyVersions.allDistricts, true), sql`${policyVersionDistricts.districtId} is not null`),
      ),
    )
    .orderBy(desc(policyVersions.publishedAt))
    .limit(20);
}

/** The versions in force addressed to this person, each with whether they have acknowledged it. */
export async function policiesForRecipient(db: Db, actor: Actor) {
  const chairIn = await chairDistricts(db, actor.id);
  const rows = await db
    .select({ policyId: policies.id })
    .from(policies)
    .where(sql`${policies.publishedVersion} > 0`)
    .orderBy(desc(policies.updatedAt))
    .limit(200);
  const out: {
    policyId: string;
    versionId: string;
    version: number;
    title: string;
    body: string;
    effectiveOn: string;
    publishedAt: Date;
    acknowledgedAt: Date | null;
  }[] = [];
  for (const { policyId } of rows) {
    const version = await currentVersion(db, policyId);
    if (!version || !policyRecipientIn(actor, version.audience, chairIn).length) continue;
    const [ack] = await db
      .select({ at: policyAcknowledgements.at })
      .from(policyAcknowledgements)
      .where(and(eq(policyAcknowledgements.versionId, version.id), eq(policyAcknowledgements.userId, actor.id)));
    out.push({
      policyId,
      versionId: version.id,
      version: version.version,
      title: version.title,
      body: version.body,
      effectiveOn: version.effectiveOn,
      publishedAt: version.publishedAt,
      acknowledgedAt: ack?.at ?? null,
    });
  }
  return out;
}
