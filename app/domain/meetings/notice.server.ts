import { and, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { memberships } from "../../../db/schema";

/**
 * The one place a notice of newly scheduled meetings goes to the council's members ("members get a
 * notice"). It runs inside the scheduling transaction, so a notice exists exactly when its meeting
 * does. Today it only names the recipients: delivery (the personal inbox, and SMS for those who
 * asked for it) belongs to the inbox module, which takes over here.
 */
export async function noticeOfMeetings(tx: Db, input: { councilId: string; meetingIds: string[]; kind: "regular" | "extra" }) {
  const members = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.councilId, input.councilId), eq(memberships.status, "active")));
  return { recipients: members.map((m) => m.userId), meetingIds: input.meetingIds, kind: input.kind };
}
