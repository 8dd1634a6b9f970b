import { formErrorOf } from "../utils/db-errors.server";

/** The domain's "no" as the route receives it: always this shape, from `refused` or `refusalOf`. */
export type Refused<E extends string = string> = { ok: false; error: E };

/**
 * How the domain says "no" where nothing needs rolling back (before any write, or for a database
 * error it recognises): `return refused("council_exists")`, with any numbers the message needs.
 * Inside a transaction, throw a `Refusal` instead. Nothing else in the domain writes `{ ok: false }`.
 */
export function refused<const E extends string>(error: E): Refused<E>;
export function refused<const E extends string, X extends Record<string, unknown>>(error: E, extra: X): Refused<E> & X;
export function refused(error: string, extra?: Record<string, unknown>) {
  return { ...extra, ok: false as const, error };
}

/**
 * How the domain says "no" from inside a transaction: throw a Refusal, the transaction rolls back,
 * and `refusalOf` turns it into `{ ok: false, error }` for the route to show in Persian.
 */
export class Refusal<E extends string = string> extends Error {
  constructor(readonly error: E) {
    super(error);
  }
}

/**
 * Runs `work`, answering refusals (and database errors `translate` recognises, such as a unique
 * violation that lost a race) as friendly failures. A foreign-key or unique violation nobody
 * translated is still a refusal of what the form named (see `formErrorOf`); anything else is a
 * real error and is thrown.
 */
export async function refusalOf<T, E extends string>(
  work: () => Promise<T>,
  translate?: (error: unknown) => E | null,
): Promise<T | Refused<E>> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refusal) return refused(error.error as E);
    const known = translate?.(error) ?? (formErrorOf(error) as E | null);
    if (known) return refused(known);
    throw error;
  }
}
