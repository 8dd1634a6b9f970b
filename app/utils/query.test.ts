import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, queryField, readQuery } from "./query";

const ID = "3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b";
const b64 = (text: string) => Buffer.from(text).toString("base64url");
const OBJECT_NAMES = [
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "prototype",
  "__defineGetter__",
  "isPrototypeOf",
];

describe("query parameters", () => {
  const shape = {
    status: queryField.oneOf(["open", "agenda"] as const),
    id: queryField.uuid(),
    before: queryField.positiveInt(),
    after: queryField.cursor(),
    flag: queryField.flag(),
  };

  it("keeps what fits, drops and reports what does not, and ignores what the page does not read", () => {
    const cursor = encodeCursor({ createdAt: new Date("2026-03-01T08:30:00.123Z"), id: ID });
    const parsed = readQuery(
      `http://x/p?status=agenda&id=${ID}&before=۴۲&after=${cursor}&flag=1&_data=routes%2Fp&other=constructor`,
      shape,
    );
    expect(parsed.invalid).toEqual([]);
    expect(parsed.values).toEqual({
      status: "agenda",
      id: ID,
      before: 42,
      after: { createdAt: new Date("2026-03-01T08:30:00.123Z"), id: ID },
      flag: "1",
    });
    expect(readQuery("http://x/p?status=&id=", shape)).toEqual({ values: {}, invalid: [] });
  });

  it.each(OBJECT_NAMES)("refuses the built-in property name %s as a filter value", (name) => {
    const parsed = readQuery(`http://x/p?status=${encodeURIComponent(name)}&flag=${encodeURIComponent(name)}`, shape);
    expect(parsed.values).toEqual({});
    expect(parsed.invalid).toEqual(["status", "flag"]);
  });

  it.each(["------------------------------------", "3f2b8c1e5d4a4e6f9a7b0c1d2e3f4a5b0000", `${ID}x`, `${ID.slice(0, 35)}g`, "' or 1=1 --"])(
    "refuses the id %j",
    (id) => {
      expect(readQuery(`http://x/p?id=${encodeURIComponent(id)}`, shape).invalid).toEqual(["id"]);
    },
  );

  it.each(["0", "-1", "1.5", "1e3", "NaN", "Infinity", "2147483648", "99999999999999999999", " ", "0x10", "۱٫۵"])(
    "refuses the number %j",
    (value) => {
      expect(readQuery(`http://x/p?before=${encodeURIComponent(value)}`, shape).invalid).toEqual(["before"]);
    },
  );

  it("accepts the largest number the column holds", () => {
    expect(readQuery("http://x/p?before=2147483647", shape).values.before).toBe(2_147_483_647);
  });
});

describe("list cursors", () => {
  it("reads back what it wrote", () => {
    const row = { createdAt: new Date("2025-12-31T23:59:59.999Z"), id: ID };
    expect(decodeCursor(encodeCursor(row))).toEqual(row);
  });

  it.each([
    ["year 99999", b64(`+099999-01-01T00:00:00.000Z|${ID}`)],
    ["year 10000", b64(`+010000-01-01T00:00:00.000Z|${ID}`)],
    ["a negative year", b64(`-000001-01-01T00:00:00.000Z|${ID}`)],
    ["year 0", b64(`0000-01-01T00:00:00.000Z|${ID}`)],
    ["before 1970", b64(`1969-12-31T23:59:59.999Z|${ID}`)],
    ["30 February", b64(`2025-02-30T00:00:00.000Z|${ID}`)],
    ["NaN", b64(`NaN|${ID}`)],
    ["a huge number", b64(`${"9".repeat(400)}|${ID}`)],
    ["a date without time", b64(`2025-01-01|${ID}`)],
    ["a bad uuid", b64("2025-01-01T00:00:00.000Z|------------------------------------")],
    ["a uuid with a tail", b64(`2025-01-01T00:00:00.000Z|${ID}|x`)],
    ["no id", b64("2025-01-01T00:00:00.000Z")],
    ["not base64url", "2025-01-01T00:00:00.000Z|x/+="],
    ["too long", "A".repeat(500)],
    ["empty", ""],
    ["__proto__", "__proto__"],
  ])("refuses a cursor with %s", (_label, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
