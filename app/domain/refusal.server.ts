import { formErrorOf } from "../utils/db-errors.server";

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
): Promise<T | { ok: false; error: E }> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: error.error as E };
    const known = translate?.(error) ?? (formErrorOf(error) as E | null);
    if (known) return { ok: false, error: known };
    throw error;
  }
}
