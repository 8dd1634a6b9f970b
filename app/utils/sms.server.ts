import type { Logger } from "pino";
import { desc } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { smsOutbox } from "../../db/schema";

/** The only way the platform sends a text message. A gateway that dies must not take the platform with it. */
export interface SmsSender {
  readonly name: string;
  /**
   * Sends one message; throws when the gateway refuses or cannot be reached. `reference` is the
   * platform's own id of the message (a gateway that keeps it can drop a repeat); the answer may
   * carry the gateway's message id, which its delivery reports name.
   */
  send(
    toPhone: string,
    text: string,
    options?: { reference?: string },
  ): Promise<{ providerMessageId?: string; delivered?: boolean } | void>;
}

/**
 * Default provider: writes the message to the server log and, outside production, to the
 * development outbox page. Works with no network at all.
 */
export class LocalSmsSender implements SmsSender {
  readonly name = "local";
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly keepOutbox: boolean,
  ) {}

  async send(toPhone: string, text: string) {
    this.logger.info({ sms: { to: toPhone, text } }, "sms (local provider)");
    if (this.keepOutbox) {
      const [row] = await this.db.insert(smsOutbox).values({ toPhone, body: text }).returning({ id: smsOutbox.id });
      // The local provider "delivers" at once: its delivery report is the send itself.
      return { providerMessageId: `local-${row!.id}`, delivered: true };
    }
    return { delivered: true };
  }
}

/** A plain HTTP gateway: POST {to, text} as JSON, bearer token, short timeout. */
export class HttpSmsSender implements SmsSender {
  readonly name = "http";
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  async send(toPhone: string, text: string, options: { reference?: string } = {}) {
    const response = await fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ to: toPhone, text, reference: options.reference }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      this.logger.error({ status: response.status }, "sms gateway refused the message");
      throw new Error(`SMS gateway answered ${response.status}`);
    }
    const answer = (await response.json().catch(() => null)) as { id?: unknown } | null;
    return { providerMessageId: typeof answer?.id === "string" || typeof answer?.id === "number" ? String(answer.id) : undefined };
  }
}

export async function listOutbox(db: Db, limit = 50) {
  return db.select().from(smsOutbox).orderBy(desc(smsOutbox.id)).limit(limit);
}
