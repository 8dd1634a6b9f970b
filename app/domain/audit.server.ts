import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { auditLog, users } from "../../db/schema";
import { isPublicAuditAction, type AuditAction } from "./audit-actions";

export interface AuditEntry {
  actorId: string | null;
  action: AuditAction;
  subjectType: string;
  subjectId?: string | null;
  districtId?: string | null;
  commissionId?: string | null;
  councilId?: string | null;
  /**
   * Shown on the council's public history; only a kind `AUDIT_VISIBILITY` calls public can be
   * (decision 025). Never put phone numbers in `data` of a public entry.
   */
  isPublic?: boolean;
  reason?: string | null;
  data?: Record<string, unknown>;
  requestId?: string | null;
}

/** Call inside the same transaction as the change it records: no change without its record. */
export async function recordAudit(db: Db, entry: AuditEntry) {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    districtId: entry.districtId ?? null,
    commissionId: entry.commissionId ?? null,
    councilId: entry.councilId ?? null,
    isPublic: (entry.isPublic ?? false) && isPublicAuditAction(entry.action),
    reason: entry.reason ?? null,
    data: entry.data ?? null,
    requestId: entry.requestId ?? null,
  });
}

export async function listAudit(db: Db, options: { districtId?: string; before?: number; limit?: number } = {}) {
  const limit = Math.min(options.limit ?? 50, 200);
  const conditions = [
    options.districtId ? eq(auditLog.districtId, options.districtId) : undefined,
    options.before ? lt(auditLog.id, options.before) : undefined,
  ].filter(Boolean);
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
      reason: auditLog.reason,
      data: auditLog.data,
      actorName: users.displayName,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
