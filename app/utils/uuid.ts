/**
 * A UUID as PostgreSQL's uuid type accepts it: 32 hex digits in 8-4-4-4-12 groups. Anything looser
 * (36 hex digits and dashes in any order) reaches the database and fails there as a server error.
 * Browser-safe.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}
