import { z } from "zod";
import { foldDigits } from "~/utils/persian";
import { multilineField, phoneField, textField, uuidField } from "./fields";

const districtNumber = z
  .string({ required_error: "district_number_required" })
  .max(10, "district_number_invalid")
  .transform((v) => foldDigits(v).trim())
  .pipe(z.string().regex(/^\d{1,2}$/, "district_number_invalid"))
  .transform(Number)
  .pipe(z.number().int().min(1, "district_number_invalid").max(99, "district_number_invalid"));

export const DistrictSchema = z.object({
  number: districtNumber,
  name: textField({ min: 2, max: 60, required: "name_required", tooShort: "name_too_short", tooLong: "name_too_long" }),
  description: multilineField({ max: 2000, tooLong: "description_too_long" }),
});

export const CommissionSchema = z.object({
  name: textField({ min: 3, max: 120, required: "name_required", tooShort: "name_too_short", tooLong: "name_too_long" }),
  description: multilineField({ max: 2000, tooLong: "description_too_long" }),
});

export const CITY_ROLES = ["admin", "deputy", "deputy_staff"] as const;

export const AssignCityRoleSchema = z.object({
  phone: phoneField(),
  role: z.enum(CITY_ROLES, { errorMap: () => ({ message: "role_invalid" }) }),
});

export const AssignManagerSchema = z.object({ phone: phoneField() });
export const AssignMemberSchema = z.object({ phone: phoneField() });

export const RevokeSchema = z.object({ assignmentId: uuidField() });

export const CategorySchema = z.object({
  name: textField({ min: 2, max: 60, required: "name_required", tooShort: "name_too_short", tooLong: "name_too_long" }),
});
export const CategoryToggleSchema = z.object({ categoryId: uuidField(), active: z.enum(["true", "false"]) });
/** A topic's default commission; left empty, the topic has none. */
export const CategoryCommissionSchema = z.object({
  categoryId: uuidField("category_unknown"),
  commissionId: z.string().uuid("commission_unknown").optional(),
});
