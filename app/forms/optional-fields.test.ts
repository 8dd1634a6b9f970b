import { parseWithZod } from "@conform-to/zod";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as admin from "./admin";
import * as auth from "./auth";
import * as councils from "./councils";
import * as proposals from "./proposals";

/** The object under a schema (through refinements), or null when it is not a form schema. */
function shapeOf(schema: unknown): Record<string, z.ZodTypeAny> | null {
  let current = schema as z.ZodTypeAny;
  while (current instanceof z.ZodEffects) current = current._def.schema;
  return current instanceof z.ZodObject ? (current.shape as Record<string, z.ZodTypeAny>) : null;
}

const schemas = Object.entries({ ...admin, ...auth, ...councils, ...proposals }).flatMap(([name, value]) => {
  const shape = shapeOf(value);
  return shape ? [{ name, shape }] : [];
});

describe("optional fields of every form", () => {
  const optional = schemas.flatMap(({ name, shape }) =>
    Object.entries(shape)
      .filter(([, field]) => field.isOptional())
      .map(([key, field]) => ({ label: `${name}.${key}`, field })),
  );

  it("finds the forms' optional fields", () => {
    expect(optional.map((o) => o.label)).toEqual(
      expect.arrayContaining(["ProposalSchema.place", "NeighborhoodSchema.boundary", "DistrictSchema.description"]),
    );
  });

  // A field left empty reaches the schema as nothing at all (the form library drops empty strings);
  // a free-text one may also come as spaces. Neither is a reason to refuse.
  it.each(
    schemas.flatMap(({ name, shape }) =>
      Object.entries(shape)
        .filter(([, f]) => f.isOptional())
        .map(([key]) => [`${name}.${key}`, shape[key]!] as const),
    ),
  )("%s accepts being left empty", (_label, field) => {
    const freeText = field.safeParse("ab").success;
    for (const empty of freeText ? [undefined, "", "   "] : [undefined]) {
      const parsed = field.safeParse(empty);
      expect(
        parsed.success,
        `${JSON.stringify(empty)}: ${parsed.success ? "" : parsed.error.issues.map((i) => i.message).join(", ")}`,
      ).toBe(true);
    }
  });
});

describe("a proposal without a place", () => {
  const base = {
    title: "روشنایی کوچه بهار",
    body: "چراغ‌های کوچه یک ماه است خاموش است.",
    categoryId: "0b6f6a4e-7a0b-4c8e-9f57-6b2a0a9c1d11",
  };
  const formData = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.append(k, v);
    return data;
  };

  it.each([
    ["an empty place", ""],
    ["a place of spaces", "   "],
  ])("is filed with %s", (_name, place) => {
    const submission = parseWithZod(formData({ ...base, place }), { schema: proposals.ProposalSchema });
    expect(submission.status).toBe("success");
    expect(submission.status === "success" ? submission.value.place : null).toBe("");
  });

  it("is filed with no place field at all", () => {
    const submission = parseWithZod(formData(base), { schema: proposals.ProposalSchema });
    expect(submission.status).toBe("success");
  });

  it("still refuses a place over the limit, and keeps one within it", () => {
    const long = parseWithZod(formData({ ...base, place: "ک".repeat(proposals.PROPOSAL_PLACE_MAX + 1) }), {
      schema: proposals.ProposalSchema,
    });
    expect(long.status).toBe("error");
    expect(long.status === "error" ? long.error?.place : null).toEqual(["place_too_long"]);
    const ok = parseWithZod(formData({ ...base, place: "  کوچه   بهار " }), { schema: proposals.ProposalSchema });
    expect(ok.status === "success" ? ok.value.place : null).toBe("کوچه بهار");
  });
});
