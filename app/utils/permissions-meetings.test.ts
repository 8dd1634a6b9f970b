import { describe, expect, it } from "vitest";
import { can, mayJoinRoom, minutesResponseBlocker, policyRecipientIn, type Actor } from "./permissions";

const D1 = "11111111-1111-4111-8111-111111111111";
const D2 = "22222222-2222-4222-8222-222222222222";
const CO1 = "88888888-8888-4888-8888-888888888888";
const ME = "55555555-5555-4555-8555-555555555555";
const MEETING = { councilId: CO1, districtId: D1 };
const council = { kind: "council", councilId: CO1, districtId: D1 } as const;

const seat = (role: "member" | "chair" | "secretary"): Actor => ({ id: ME, roles: [], councilRoles: [{ councilId: CO1, role }] });
const manager = (districtId: string): Actor => ({ id: ME, roles: [{ role: "district_manager", districtId, commissionId: null }] });

describe("meetings in the permission module", () => {
  it("lets the chair and the secretary run meetings, never a plain member or the district", () => {
    expect(can(seat("secretary"), "council.meeting.run", council)).toBe(true);
    expect(can(seat("chair"), "council.meeting.run", council)).toBe(true);
    expect(can(seat("member"), "council.meeting.run", council)).toBe(false);
    expect(can(manager(D1), "council.meeting.run", council)).toBe(false);
  });

  it("lets only a member who attended answer circulated minutes", () => {
    expect(minutesResponseBlocker(null, MEETING, { attended: true, circulating: true })).toBe("sign_in");
    expect(minutesResponseBlocker(manager(D1), MEETING, { attended: true, circulating: true })).toBe("not_a_member");
    expect(minutesResponseBlocker(seat("member"), MEETING, { attended: false, circulating: true })).toBe("not_present");
    expect(minutesResponseBlocker(seat("member"), MEETING, { attended: true, circulating: false })).toBe("not_circulating");
    expect(minutesResponseBlocker(seat("member"), MEETING, { attended: true, circulating: true })).toBeNull();
  });

  it("keeps a district's meeting report to its own manager and staff and the deputy's office", () => {
    expect(can(manager(D1), "district.meetings.report", { kind: "district", districtId: D1 })).toBe(true);
    expect(can(manager(D2), "district.meetings.report", { kind: "district", districtId: D1 })).toBe(false);
    expect(
      can({ id: ME, roles: [{ role: "deputy_staff", districtId: null, commissionId: null }] }, "district.meetings.report", {
        kind: "district",
        districtId: D1,
      }),
    ).toBe(true);
  });

  it("addresses a policy by district and by kind of recipient", () => {
    const audience = { allDistricts: false, districtIds: [D1], recipients: "both" as const };
    expect(policyRecipientIn(manager(D1), audience, [])).toEqual([D1]);
    expect(policyRecipientIn(manager(D2), audience, [])).toEqual([]);
    expect(policyRecipientIn(seat("chair"), audience, [D1])).toEqual([D1]);
    expect(policyRecipientIn(seat("chair"), { ...audience, recipients: "managers" }, [D1])).toEqual([]);
    expect(policyRecipientIn(manager(D1), { ...audience, recipients: "chairs" }, [])).toEqual([]);
    expect(policyRecipientIn(manager(D2), { ...audience, allDistricts: true }, [])).toEqual([D2]);
    expect(policyRecipientIn(null, audience, [D1])).toEqual([]);
  });

  it("opens meeting rooms to everyone and policy rooms to the deputy's office", () => {
    expect(mayJoinRoom(null, `meeting:${CO1}`)).toBe(true);
    expect(mayJoinRoom(manager(D1), `policy:${CO1}`)).toBe(false);
    expect(mayJoinRoom({ id: ME, roles: [{ role: "deputy", districtId: null, commissionId: null }] }, `policy:${CO1}`)).toBe(true);
  });
});
