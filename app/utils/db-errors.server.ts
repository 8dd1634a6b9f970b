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
