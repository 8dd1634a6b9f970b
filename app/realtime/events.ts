/** Event names shared by the server and the browser. */
export const CLIENT_EVENTS = {
  join: "room:join",
  leave: "room:leave",
} as const;

export const SERVER_EVENTS = {
  cityChanged: "city:changed",
  councilChanged: "council:changed",
  districtChanged: "district:changed",
  proposalChanged: "proposal:changed",
} as const;

export type JoinAck = { ok: true; room: string } | { ok: false; error: "forbidden" | "bad_request" | "too_many_rooms" };
