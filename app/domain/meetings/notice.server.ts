import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { councils, meetings, memberships, neighborhoods } from "../../../db/schema";
import { recordNotice } from "../notifications.server";

/**
 * The one place a notice of newly scheduled meetings goes to the council's members ("members get a
 * notice"). It runs inside the scheduling transaction, so a notice exists exactly when its meeting
 * does; the inbox module delivers it (the inbox, live, and SMS for those who asked for it). A yearly
 * schedule is one notice (the first meeting and how many), not one per meeting.
 */
export async function noticeOfMeetings(
  tx: Db,
  input: { councilId: string; meetingIds: string[]; kind: "regular" | "extra"; actorId?: string | null },
) {
  const members = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.councilId, input.councilId), eq(memberships.status, "active")));
  if (!input.meetingIds.length) return { recipients: [], meetingIds: input.meetingIds, kind: input.kind };
  const [first] = await tx
    .select({ id: meetings.id, number: meetings.number, startsAt: meetings.startsAt, council: neighborhoods.name })
    .from(meetings)
    .innerJoin(councils, eq(councils.id, meetings.councilId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
    .where(inArray(meetings.id, input.meetingIds))
    .orderBy(asc(meetings.startsAt))
    .limit(1);
  if (first) {
    const single = input.meetingIds.length === 1;
    await recordNotice(tx, {
      kind: "meeting_scheduled",
      itemKey: single ? `meeting:${first.id}` : `meetings:${input.councilId}:${first.id}`,
      link: single ? `/meetings/${first.id}` : `/councils/${input.councilId}/meetings`,
      params: {
        council: first.council,
        startsAt: first.startsAt.toISOString(),
        meetings: input.meetingIds.length,
        meetingKind: input.kind,
      },
      audience: { councilMembers: input.councilId },
      actorId: input.actorId ?? null,
    });
  }
  return { recipients: members.map((m) => m.userId), meetingIds: input.meetingIds, kind: input.kind };
}
