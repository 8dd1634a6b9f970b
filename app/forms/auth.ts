import { z } from "zod";
import { codeField, displayNameField, passwordField, phoneField, refinePassword } from "./fields";

export const SignupSchema = z
  .object({
    phone: phoneField(),
    displayName: displayNameField(),
    password: passwordField(),
  })
  .superRefine(refinePassword);

export const VerifySchema = z.object({
  intent: z.enum(["verify", "resend"]).default("verify"),
  code: z.string().optional(),
});
export const VerifyCodeSchema = z.object({ code: codeField() });

export const LoginSchema = z.object({
  phone: phoneField(),
  password: z.string({ required_error: "password_required" }).max(1024, "password_too_long"),
  redirectTo: z.string().optional(),
});

export const ForgotPasswordSchema = z.object({ phone: phoneField() });

export const ResetPasswordSchema = z
  .object({
    code: codeField(),
    password: passwordField(),
  })
  .superRefine(refinePassword);
