import { describe, expect, it } from "vitest";
import { decodeOpenDataCursor, encodeOpenDataCursor } from "./cursor.server";

const ID = "3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("open data cursor", () => {
  it("reads back what it wrote, for the sort it was written for only", () => {
    const cursor = { sort: "created", value: "2026-03-21T10:11:12.123456Z", id: ID };
    expect(decodeOpenDataCursor(encodeOpenDataCursor(cursor), "created", "datetime")).toEqual(cursor);
    expect(decodeOpenDataCursor(encodeOpenDataCursor(cursor), "opens", "datetime")).toBeNull();
    const number = { sort: "number", value: "12", id: ID };
    expect(decodeOpenDataCursor(encodeOpenDataCursor(number), "number", "integer")).toEqual(number);
  });

  it("refuses what it did not write", () => {
    const forged = [
      "",
      "__proto__",
      "%%%",
      b64({ sort: "created" }),
      b64(["created", "2026-02-30T00:00:00.000000Z", ID]),
      b64(["created", "1969-12-31T23:59:59.000000Z", ID]),
      b64(["created", "2026-01-01T00:00:00Z", ID]),
      b64(["created", "2026-01-01T00:00:00.000000Z", "not-a-uuid"]),
      b64(["created", 1, ID]),
      b64(["number", "99999999999", ID]),
      b64(["number", "1.5", ID]),
      "A".repeat(301),
    ];
    for (const raw of forged) {
      expect(decodeOpenDataCursor(raw, "created", "datetime"), raw).toBeNull();
      expect(decodeOpenDataCursor(raw, "number", "integer"), raw).toBeNull();
    }
  });
});
