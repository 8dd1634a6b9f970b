import type { Server as SocketServer } from "socket.io";
import type { Db } from "../../db/client.server";
import type { RollCall } from "../domain/meetings/roll-call.server";
import { acknowledgementsOf } from "../domain/policies.server";
import { SERVER_EVENTS, type PolicyAcknowledgementsLive, type RollCallLive } from "./events";

/** The roll call after a mark, to everyone on the meeting's page (persist first, then emit). */
export function publishRollCall(io: SocketServer, call: RollCall) {
  const payload: RollCallLive = {
    meetingId: call.meetingId,
    entries: call.entries.map((e) => ({ userId: e.userId, name: e.name, status: e.status, arrivedAt: e.arrivedAt?.toISOString() ?? null })),
    seats: call.seats,
    quorum: call.quorum,
  };
  io.in(`meeting:${call.meetingId}`).emit(SERVER_EVENTS.meetingRollCall, payload);
}

/** Something the meeting page cannot patch changed (opened, closed, the minutes moved on): it reloads. */
export function notifyMeetingChanged(io: SocketServer, meetingId: string) {
  io.in(`meeting:${meetingId}`).emit(SERVER_EVENTS.meetingChanged, { meetingId });
}

/** The deputy's "not yet" lists after an acknowledgement or a new version. */
export async function publishPolicyAcknowledgements(io: SocketServer, db: Db, policyId: string) {
  const status = await acknowledgementsOf(db, policyId);
  if (!status) return;
  const payload: PolicyAcknowledgementsLive = {
    policyId,
    version: status.version,
    districts: status.districts.map((d) => ({
      districtId: d.districtId,
      notYet: d.notYet,
      acknowledged: d.recipients.filter((r) => r.acknowledgedAt).map((r) => r.userId),
    })),
  };
  io.in(`policy:${policyId}`).emit(SERVER_EVENTS.policyAcknowledgements, payload);
}

/** A new version reaches its recipients' open pages (each person's own room). */
export async function announcePolicy(io: SocketServer, db: Db, policyId: string, title: string) {
  const status = await acknowledgementsOf(db, policyId);
  const recipients = new Set(status?.districts.flatMap((d) => d.recipients.map((r) => r.userId)) ?? []);
  for (const userId of recipients) io.in(`user:${userId}`).emit(SERVER_EVENTS.policyPublished, { policyId, title });
}
