import type { Db } from "../../../db/client.server";
import { tehranToday } from "../charter";
import { policiesInForce } from "../policies.server";
import { upcomingMeetings } from "./schedule.server";

/** What the council's and neighborhood's pages show of meetings and policies. */
export async function councilMeetingsCard(db: Db, council: { id: string; districtId: string }) {
  const [upcoming, policies] = await Promise.all([
    upcomingMeetings(db, council.id),
    policiesInForce(db, council.districtId, tehranToday()),
  ]);
  return { councilId: council.id, upcoming, policies: policies.map((p) => ({ id: p.id, title: p.title })) };
}
