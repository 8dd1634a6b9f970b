/** The PostgreSQL error under whatever the driver and drizzle wrapped it in. */
function pgError(error: unknown): { code?: string; constraint?: string } | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { code?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown };
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
      const constraint = (e.constraint_name ?? e.constraint) as string | undefined;
      return { code: e.code, constraint };
    }
    current = e.cause;
  }
  return null;
}

/** True when the database refused a duplicate (optionally: on this constraint). */
export function isUniqueViolation(error: unknown, constraint?: string) {
  const e = pgError(error);
  return e?.code === "23505" && (!constraint || e.constraint === constraint);
}

export function violatedConstraint(error: unknown) {
  return pgError(error)?.constraint ?? null;
}

/** True when the database refused a reference to a row that does not exist (optionally: on this constraint). */
export function isForeignKeyViolation(error: unknown, constraint?: string) {
  const e = pgError(error);
  return e?.code === "23503" && (!constraint || e.constraint === constraint);
}

/** What a form says when the row it names is not there: by the table the foreign key points at. */
const MISSING_REFERENCE: [suffix: string, error: string][] = [
  ["_commissions_id_fk", "commission_unknown"],
  ["_categories_id_fk", "category_unknown"],
  ["_districts_id_fk", "scope_not_found"],
];

/**
 * The form error for a write the database refused because of what the form named: a reference to
 * something that does not exist (or was removed a moment ago), or a unique key someone else took
 * first. Null for anything else, which stays a real error. Forms check existence first; this
 * answers the race between that check and the write, so it is a refusal on the form, never a 500.
 */
export function formErrorOf(error: unknown): string | null {
  const e = pgError(error);
  if (e?.code === "23503") {
    return MISSING_REFERENCE.find(([suffix]) => e.constraint?.endsWith(suffix))?.[1] ?? "reference_unknown";
  }
  if (e?.code === "23505") return "concurrent_change";
  return null;
}
