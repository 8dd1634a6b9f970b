import { eq } from "drizzle-orm";
import { jalaliMonthRange } from "../../app/domain/meetings/calendar";
import type { Db } from "../../db/client.server";
import {
  councils,
  escalations,
  meetings,
  memberships,
  minutes,
  neighborhoods,
  proposals,
  referrals,
  supports,
  threadMessages,
  threads,
  votes,
} from "../../db/schema";
import type { Factories } from "./factories";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A year of a small city's life (Jalali 1404, all in the past), written row by row with its own
 * moments: two districts, four neighborhoods (one without a known population), their councils,
 * meetings with minutes, proposals, supports, votes, commission decisions, discussion and the
 * deputy's desk. The numbers vary by month (deterministically) so charts have a shape.
 */
export async function fillAnalyticsCity(db: Db, make: Factories, options: { managerId: string; year?: number }) {
  const year = options.year ?? 1404;
  const districtA = await make.district({ name: "منطقه مرکزی" });
  const districtB = await make.district({ name: "منطقه شمال" });
  const hoods = [
    { id: await make.neighborhood({ districtId: districtA, name: "اکباتان" }), population: 12_000 },
    { id: await make.neighborhood({ districtId: districtA, name: "کوی فرهنگیان" }), population: 8_500 },
    { id: await make.neighborhood({ districtId: districtA, name: "محله <b>پیشاهنگ</b>" }), population: null },
    { id: await make.neighborhood({ districtId: districtB, name: "خضر" }), population: 6_000 },
  ];
  for (const h of hoods)
    if (h.population) await db.update(neighborhoods).set({ population: h.population }).where(eq(neighborhoods.id, h.id));
  const councilIds: string[] = [];
  for (const h of hoods) councilIds.push((await make.council({ neighborhoodId: h.id, founderId: options.managerId })).id);
  const start = jalaliMonthRange({ year, month: 1 }).from;
  await db.update(councils).set({ createdAt: new Date(start.getTime() - 30 * DAY) });
  const people = await make.users(40, { name: (i) => `شهروند ${i + 1}` });
  for (const [i, councilId] of councilIds.entries()) {
    await make.seat(councilId, people.slice(i * 7, i * 7 + 7), { chairFirst: true });
  }
  await db.update(memberships).set({ startedAt: new Date(start.getTime() - 30 * DAY) });
  const topics = [await make.category("فضای سبز"), await make.category("ایمنی و روشنایی"), await make.category("فرهنگی و هنری")];
  const commissionId = await make.commission("کمیسیون فرهنگی و اجتماعی");
  const councilRows = await db
    .select({ id: councils.id, districtId: councils.districtId, neighborhoodId: councils.neighborhoodId })
    .from(councils);
  const councilThread = new Map<string, string>();
  for (const c of councilRows) councilThread.set(c.id, await make.thread({ kind: "council", councilId: c.id }));

  const statuses = ["open", "on_agenda", "not_adopted", "in_review", "accepted", "declined", "in_progress", "done"] as const;
  let seq = 0;
  for (let month = 1; month <= 12; month++) {
    const { from } = jalaliMonthRange({ year, month });
    const at = (days: number, hours = 10) => new Date(from.getTime() + days * DAY + hours * HOUR);
    for (const [ci, c] of councilRows.entries()) {
      // Meetings: usually two, sometimes one, now and then without quorum; minutes mostly approved.
      const count = (month + ci) % 4 === 0 ? 1 : 2;
      for (let k = 0; k < count; k++) {
        const startsAt = at(3 + k * 12, 14);
        const quorum = (month + ci + k) % 5 !== 0;
        const [m] = await db
          .insert(meetings)
          .values({
            councilId: c.id,
            districtId: c.districtId,
            number: month * 10 + k,
            startsAt,
            endsAt: new Date(startsAt.getTime() + 2 * HOUR),
            place: "سرای محله",
            status: "closed",
            closedAt: new Date(startsAt.getTime() + 2 * HOUR),
            seats: 7,
            presentCount: quorum ? 5 + ((month + k) % 3) : 3,
            quorumNeeded: 4,
            quorumMet: quorum,
          })
          .returning({ id: meetings.id });
        if ((month + k + ci) % 3 !== 0) {
          await db.insert(minutes).values({
            meetingId: m!.id,
            councilId: c.id,
            districtId: c.districtId,
            status: "approved",
            circulatedAt: at(4 + k * 12),
            respondBy: at(11 + k * 12),
            approvedAt: at(5 + k * 12),
          });
        }
      }
      // Proposals: a seasonal rhythm, more in spring and autumn.
      const filed = 1 + ((month * 3 + ci * 2) % 5);
      for (let p = 0; p < filed; p++) {
        const status = statuses[(month + p + ci) % statuses.length]!;
        const id = await make.proposalRow({
          councilId: c.id,
          authorId: people[(p + ci * 7) % 40]!.id,
          categoryId: topics[(p + month) % 3]!,
          status,
        });
        await db
          .update(proposals)
          .set({ createdAt: at(p * 2 + 1) })
          .where(eq(proposals.id, id));
        const supporters = people.slice(0, (month + p * 3) % 9);
        if (supporters.length)
          await db.insert(supports).values(supporters.map((u, i) => ({ proposalId: id, userId: u.id, createdAt: at(p * 2 + 2, i) })));
        if (status !== "open" && status !== "on_agenda") {
          const adopted = status !== "not_adopted";
          await db.insert(votes).values({
            proposalId: id,
            councilId: c.id,
            status: "closed",
            opensAt: at(p * 2 + 3),
            closesAt: at(p * 2 + 5),
            closedAt: at(p * 2 + 5),
            result: adopted ? "adopted" : "not_adopted",
          });
          if (adopted) {
            const decided = status === "accepted" || status === "declined" || status === "in_progress" || status === "done";
            await db.insert(referrals).values({
              proposalId: id,
              commissionId,
              referredAt: at(p * 2 + 6),
              dueAt: at(p * 2 + 36),
              ...(decided
                ? {
                    decision: status === "declined" ? ("declined" as const) : ("accepted" as const),
                    rationale: "با توجه به بودجه و اولویت‌های منطقه",
                    decidedAt: at(p * 2 + 6 + 3 + ((month + p) % 12)),
                  }
                : {}),
            });
          }
        }
      }
      // Discussion in the council's thread.
      const threadId = councilThread.get(c.id)!;
      const messages = 4 + ((month * 5 + ci * 3) % 11);
      const rows = Array.from({ length: messages }, (_, i) => {
        seq++;
        return {
          threadId,
          seq: month * 100 + i + 1,
          version: month * 100 + i + 1,
          authorId: people[(i * 3 + ci + month) % 40]!.id,
          body: "نظر من درباره این موضوع",
          createdAt: at(i % 27, 8 + (i % 10)),
        };
      });
      await db.insert(threadMessages).values(rows);
    }
  }
  // The desk: a few items over the year, most resolved within days.
  const threadRows = await db
    .select({ id: threads.id, districtId: threads.districtId, neighborhoodId: threads.neighborhoodId })
    .from(threads);
  for (const [i, t] of threadRows.entries()) {
    const created = jalaliMonthRange({ year, month: 2 + i * 3 }).from;
    await db.insert(escalations).values({
      threadId: t.id,
      districtId: t.districtId,
      neighborhoodId: t.neighborhoodId,
      ...(i % 2 === 0 ? { escalatedAt: created } : { surfacedAt: created }),
      createdAt: created,
      state: i === 3 ? "following" : "resolved",
      stateChangedAt: new Date(created.getTime() + (i + 1) * 30 * HOUR),
    });
  }
  return { year, districtA, districtB, hoods: hoods.map((h) => h.id), councilIds, messagesWritten: seq };
}
