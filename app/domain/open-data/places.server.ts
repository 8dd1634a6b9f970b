import { eq, sql } from "drizzle-orm";
import { COUNCIL_STATUSES, councils, districts, memberships, neighborhoods } from "../../../db/schema";
import type { Dataset } from "./dataset.server";

/** The city's districts: what the public district pages show. */
export const districtsDataset: Dataset = {
  name: "districts",
  fields: [
    { key: "id", type: "uuid" },
    { key: "number", type: "integer", text: "district_number" },
    { key: "name", type: "text", text: "district_name" },
    { key: "description", type: "text" },
    { key: "created_at", type: "datetime" },
  ],
  filters: [],
  dateRange: { column: districts.createdAt, field: "created_at" },
  sorts: [
    { name: "number", column: districts.number, type: "integer" },
    { name: "created", column: districts.createdAt, type: "datetime" },
  ],
  defaultSort: "number",
  idColumn: districts.id,
  read: (db, q) =>
    db
      .select({
        id: districts.id,
        number: districts.number,
        name: districts.name,
        description: districts.description,
        created_at: districts.createdAt,
        _cursor: q.cursor,
      })
      .from(districts)
      .where(q.where)
      .orderBy(...q.orderBy)
      .limit(q.limit),
};

/** Neighborhoods with their district; the boundary stays on the neighborhood page (it is not a cell). */
export const neighborhoodsDataset: Dataset = {
  name: "neighborhoods",
  fields: [
    { key: "id", type: "uuid" },
    { key: "name", type: "text", text: "neighborhood_name" },
    { key: "description", type: "text" },
    { key: "district_id", type: "uuid" },
    { key: "district_number", type: "integer" },
    { key: "has_boundary", type: "boolean" },
    { key: "created_at", type: "datetime" },
  ],
  filters: [{ name: "district", kind: "uuid", column: neighborhoods.districtId }],
  dateRange: { column: neighborhoods.createdAt, field: "created_at" },
  sorts: [{ name: "created", column: neighborhoods.createdAt, type: "datetime" }],
  defaultSort: "created",
  idColumn: neighborhoods.id,
  read: (db, q) =>
    db
      .select({
        id: neighborhoods.id,
        name: neighborhoods.name,
        description: neighborhoods.description,
        district_id: neighborhoods.districtId,
        district_number: districts.number,
        has_boundary: sql<boolean>`${neighborhoods.boundary} is not null`,
        created_at: neighborhoods.createdAt,
        _cursor: q.cursor,
      })
      .from(neighborhoods)
      .innerJoin(districts, eq(districts.id, neighborhoods.districtId))
      .where(q.where)
      .orderBy(...q.orderBy)
      .limit(q.limit),
};

/**
 * Councils with their charter's public rules and their number of active members. No names: the
 * members' list is on the council's page, not in a file anyone can copy by the thousand.
 */
export const councilsDataset: Dataset = {
  name: "councils",
  fields: [
    { key: "id", type: "uuid" },
    { key: "neighborhood_id", type: "uuid" },
    { key: "neighborhood_name", type: "text" },
    { key: "district_id", type: "uuid" },
    { key: "district_number", type: "integer" },
    { key: "status", type: "text", text: "council_status" },
    { key: "term_number", type: "integer" },
    { key: "term_start", type: "date" },
    { key: "term_end", type: "date" },
    { key: "members", type: "integer" },
    { key: "ballot", type: "text" },
    { key: "quorum_percent", type: "integer" },
    { key: "majority_rule", type: "text" },
    { key: "support_threshold", type: "integer" },
    { key: "meetings_per_month", type: "integer" },
    { key: "created_at", type: "datetime" },
  ],
  filters: [
    { name: "district", kind: "uuid", column: councils.districtId },
    { name: "neighborhood", kind: "uuid", column: councils.neighborhoodId },
    { name: "status", kind: "oneOf", values: COUNCIL_STATUSES, column: councils.status },
  ],
  dateRange: { column: councils.createdAt, field: "created_at" },
  sorts: [{ name: "created", column: councils.createdAt, type: "datetime" }],
  defaultSort: "created",
  idColumn: councils.id,
  read: (db, q) =>
    db
      .select({
        id: councils.id,
        neighborhood_id: councils.neighborhoodId,
        neighborhood_name: neighborhoods.name,
        district_id: councils.districtId,
        district_number: districts.number,
        status: councils.status,
        term_number: councils.termNumber,
        term_start: councils.termStart,
        term_end: councils.termEnd,
        // One index lookup per council of the page (memberships_one_active_per_person).
        members: sql<number>`(select count(*) from ${memberships} where ${memberships.councilId} = ${councils.id} and ${memberships.status} = 'active')::int`,
        ballot: councils.ballot,
        quorum_percent: councils.quorumPercent,
        majority_rule: councils.majorityRule,
        support_threshold: councils.supportThreshold,
        meetings_per_month: councils.meetingsPerMonth,
        created_at: councils.createdAt,
        _cursor: q.cursor,
      })
      .from(councils)
      .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
      .innerJoin(districts, eq(districts.id, councils.districtId))
      .where(q.where)
      .orderBy(...q.orderBy)
      .limit(q.limit),
};
