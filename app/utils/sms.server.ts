import type { Logger } from "pino";
import { desc } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { smsOutbox } from "../../db/schema";

/** The only way the platform sends a text message. A gateway that dies must not take the platform with it. */
export interface SmsSender {
  readonly name: string;
  send(toPhone: string, text: string): Promise<void>;
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
      await this.db.insert(smsOutbox).values({ toPhone, body: text });
    }
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

  async send(toPhone: string, text: string) {
    const response = await fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ to: toPhone, text }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      this.logger.error({ status: response.status }, "sms gateway refused the message");
      throw new Error(`SMS gateway answered ${response.status}`);
    }
  }
}

export async function listOutbox(db: Db, limit = 50) {
  return db.select().from(smsOutbox).orderBy(desc(smsOutbox.id)).limit(limit);
}
