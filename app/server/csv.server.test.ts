import { describe, expect, it } from "vitest";
import { csvCell, csvResponse, toCsv } from "./csv.server";

describe("CSV for spreadsheets", () => {
  it("starts with a byte-order mark so Excel reads Persian as UTF-8", () => {
    const csv = toCsv([{ header: "نام", value: (r: { n: string }) => r.n }], [{ n: "اکباتان" }]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toBe("نام\r\nاکباتان\r\n");
  });

  it("escapes cells a spreadsheet would run as formulas", () => {
    for (const evil of ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) {
      expect(csvCell(evil).startsWith("'")).toBe(true);
    }
    expect(csvCell("سلام = خوب")).toBe("سلام = خوب");
    expect(csvCell(-5)).toBe("-5");
  });

  it("quotes commas, quotes and line breaks, and drops control characters", () => {
    const csv = toCsv([{ header: "متن", value: (r: { t: string }) => r.t }], [{ t: 'یک، "دو", سه\nچهار\u0000' }]);
    expect(csv).toContain('"یک، ""دو"", سه\nچهار"');
    expect(csv).not.toContain("\u0000");
  });

  it("answers a download with an ASCII and a UTF-8 file name", async () => {
    const res = csvResponse("پیشنهادها-۱۴۰۵", [{ header: "a", value: () => 1 }], [{}]);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/filename\*=UTF-8''%D9%BE/);
    // text() would drop the BOM while decoding: the bytes keep it.
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)).toBe("\uFEFFa\r\n1\r\n");
  });
});
