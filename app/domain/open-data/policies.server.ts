import { and, eq, sql } from "drizzle-orm";
import { districts, policies, policyVersionDistricts, policyVersions } from "../../../db/schema";
import type { Dataset } from "./dataset.server";

/**
 * The deputy's policies as published: the version in force of each policy that has one. A draft
 * (a policy never published, or changes not yet published) is never read here.
 */
export const policiesDataset: Dataset = {
  name: "policies",
  fields: [
    { key: "id", type: "uuid", text: "policy_version_id" },
    { key: "policy_id", type: "uuid" },
    { key: "version", type: "integer", text: "policy_version" },
    { key: "title", type: "text", text: "policy_title" },
    { key: "body", type: "text", text: "policy_body" },
    { key: "effective_on", type: "date" },
    { key: "recipients", type: "text" },
    { key: "all_districts", type: "boolean" },
    { key: "district_numbers", type: "text" },
    { key: "published_at", type: "datetime" },
  ],
  filters: [],
  dateRange: { column: policyVersions.publishedAt, field: "published_at" },
  sorts: [{ name: "published", column: policyVersions.publishedAt, type: "datetime" }],
  defaultSort: "-published",
  idColumn: policyVersions.id,
  read: (db, q) =>
    db
      .select({
        id: policyVersions.id,
        policy_id: policies.id,
        version: policyVersions.version,
        title: policyVersions.title,
        body: policyVersions.body,
        effective_on: policyVersions.effectiveOn,
        recipients: policyVersions.recipients,
        all_districts: policyVersions.allDistricts,
        district_numbers: sql<string | null>`(select string_agg(${districts.number}::text, ' ' order by ${districts.number})
          from ${policyVersionDistricts} join ${districts} on ${districts.id} = ${policyVersionDistricts.districtId}
          where ${policyVersionDistricts.versionId} = ${policyVersions.id})`,
        published_at: policyVersions.publishedAt,
        _cursor: q.cursor,
      })
      .from(policyVersions)
      .innerJoin(policies, and(eq(policies.id, policyVersions.policyId), eq(policies.publishedVersion, policyVersions.version)))
      .where(q.where)
      .orderBy(...q.orderBy)
      .limit(q.limit),
};
