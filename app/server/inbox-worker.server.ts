import type { Server as SocketServer } from "socket.io";
import type { Db } from "../../db/client.server";
import { onNoticeRecorded, processNotices, unreadCounts, type FannedOut, type SmsTextOf } from "../domain/notifications.server";
import { queueDailyDigests, remindVotesClosingSoon } from "../domain/scheduled-notices.server";
import { fitSms, sendDueSms } from "../domain/sms-outbox.server";
import { SERVER_EVENTS, type InboxNotice } from "../realtime/events";
import type { SocketData } from "../realtime/socket.server";
import { getTForLocale } from "../utils/i18n.server";
import type { Logger } from "../utils/logger.server";
import { noticeText } from "../utils/notice-text";
import type { SmsSender } from "../utils/sms.server";

/** How often each instance looks for notices to fan out and messages to send. */
export const NOTICE_POLL_MS = 1000;
export const SMS_POLL_MS = 2000;
/** How often each instance runs the clock's notices (votes closing soon, the daily SMS digest). */
export const SCHEDULE_POLL_MS = 60_000;
/** User rooms asked about at once when looking for who is online. */
const ROOM_CHUNK = 500;

/**
 * The SMS of a notice: «محله», the sentence, and a short link (a proposal's `/p/<number>`, else the
 * inbox) when the public address is known — two SMS parts at most.
 */
export function smsTextFor(origin: string | null): SmsTextOf {
  return async ({ kind, params, link }) => {
    const make = async (locale: "fa" | "en") => {
      const t = await getTForLocale(locale);
      const path = typeof params.number === "number" && link.startsWith("/proposals/") ? `/p/${params.number}` : "/inbox";
      const tail = origin ? t("inbox.sms.link", { link: `${origin}${path}` }) : t("inbox.sms.inbox_hint");
      const head = `${t("inbox.sms.prefix")}\n`;
      const room = 134 - head.length - tail.length - 1;
      return `${head}${fitSms(noticeText(t, kind, params), Math.max(40, room))}\n${tail}`;
    };
    return { fa: await make("fa"), en: await make("en") };
  };
}

/**
 * Tells the people a notice reached, on whichever instance their sockets are: only those online are
 * looked up (one adapter request per 500 people) and sent their new unread count with the notice.
 */
export async function deliverLive(io: SocketServer, db: Db, fanned: FannedOut[]) {
  for (const notice of fanned) {
    const itemOf = new Map(notice.userIds.map((userId, i) => [userId, notice.itemIds[i]!]));
    for (let i = 0; i < notice.userIds.length; i += ROOM_CHUNK) {
      const chunk = notice.userIds.slice(i, i + ROOM_CHUNK);
      const sockets = await io.in(chunk.map((id) => `user:${id}`)).fetchSockets();
      const online = [...new Set(sockets.map((s) => (s.data as SocketData).user?.id).filter((id): id is string => Boolean(id)))];
      if (!online.length) continue;
      const counts = await unreadCounts(db, online);
      for (const userId of online) {
        const payload: InboxNotice = {
          unread: counts.get(userId) ?? 0,
          notice: { id: itemOf.get(userId)!, kind: notice.kind, itemKey: notice.itemKey, link: notice.link, params: notice.params },
        };
        io.in(`user:${userId}`).emit(SERVER_EVENTS.inboxNotice, payload);
      }
    }
  }
}

/** Tells a person's open pages their unread count (after they read something). */
export async function publishUnreadCount(io: SocketServer, db: Db, userId: string) {
  const counts = await unreadCounts(db, [userId]);
  io.in(`user:${userId}`).emit(SERVER_EVENTS.inboxCount, { unread: counts.get(userId) ?? 0 });
}

/**
 * Runs on every instance: fans out notices and sends due text messages. Each run is single-flight
 * per instance; across instances the rows' locks share the work. A notice recorded on this
 * instance wakes it at once; the poll catches the rest.
 */
export function startInboxWorker(deps: { db: Db; io: SocketServer; sms: SmsSender; logger: Logger; origin: string | null }) {
  const { db, io, sms, logger } = deps;
  const smsText = smsTextFor(deps.origin);
  let stopped = false;
  let noticeRun: Promise<void> | null = null;
  let noticeAgain = false;
  let smsRun: Promise<void> | null = null;

  const runSms = () => {
    if (stopped || smsRun) return smsRun ?? Promise.resolve();
    smsRun = (async () => {
      try {
        for (let round = 0; round < 10 && !stopped; round++) {
          const { claimed, failed } = await sendDueSms(db, sms, { limit: 20 });
          if (failed) logger.warn({ failed }, "sms gateway failed; messages wait for a later attempt");
          if (claimed < 20 || failed) break;
        }
      } catch (err) {
        logger.warn({ err }, "sending text messages failed");
      } finally {
        smsRun = null;
      }
    })();
    return smsRun;
  };

  const runNotices = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (noticeRun) {
      noticeAgain = true;
      return noticeRun;
    }
    noticeRun = (async () => {
      try {
        do {
          noticeAgain = false;
          const fanned = await processNotices(db, { limit: 20, smsText });
          if (fanned.length) {
            void runSms();
            await deliverLive(io, db, fanned).catch((err) => logger.warn({ err }, "live inbox delivery failed"));
          }
          if (fanned.length === 20) noticeAgain = true;
        } while (noticeAgain && !stopped);
      } catch (err) {
        logger.warn({ err }, "fanning out notices failed");
      } finally {
        noticeRun = null;
      }
    })();
    return noticeRun;
  };

  // The clock's notices: reminders of votes closing soon and the daily SMS digest. Both are keyed in
  // the database (once per vote per person; once per person per Tehran day), so every instance may run them.
  let scheduledRun: Promise<void> | null = null;
  const runScheduled = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (scheduledRun) return scheduledRun;
    scheduledRun = (async () => {
      try {
        const reminded = await remindVotesClosingSoon(db);
        if (reminded) void runNotices();
        const digests = await queueDailyDigests(db, { origin: deps.origin });
        if (digests) void runSms();
      } catch (err) {
        logger.warn({ err }, "scheduled notices failed");
      } finally {
        scheduledRun = null;
      }
    })();
    return scheduledRun;
  };
  const scheduleTimer = setInterval(() => void runScheduled(), SCHEDULE_POLL_MS);
  scheduleTimer.unref();

  let kick: ReturnType<typeof setTimeout> | null = null;
  const unlisten = onNoticeRecorded(() => {
    // After the recording transaction commits (a few milliseconds), not inside it.
    if (kick || stopped) return;
    kick = setTimeout(() => {
      kick = null;
      void runNotices();
    }, 25);
  });
  const noticeTimer = setInterval(() => void runNotices(), NOTICE_POLL_MS);
  noticeTimer.unref();
  const smsTimer = setInterval(() => void runSms(), SMS_POLL_MS);
  smsTimer.unref();

  return {
    /** Runs both now and waits (tests, shutdown). */
    async drain() {
      await runNotices();
      await runSms();
    },
    /** Runs the clock's notices now, then fans them out and sends (tests). */
    async runScheduled() {
      await runScheduled();
      await runNotices();
      await runSms();
    },
    async stop() {
      stopped = true;
      unlisten();
      if (kick) clearTimeout(kick);
      clearInterval(noticeTimer);
      clearInterval(smsTimer);
      clearInterval(scheduleTimer);
      await Promise.allSettled([noticeRun, smsRun, scheduledRun]);
    },
  };
}
