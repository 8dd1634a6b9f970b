import crypto from "node:crypto";
import { bootstrapAdmin } from "../app/domain/roles.server";
import { hashPassword } from "../app/utils/password.server";
import { checkPassword } from "../app/utils/password-policy";
import { formatPhone, normalizePhone, normalizeText } from "../app/utils/persian";
import { cliArgs, openForCli } from "./cli";

/**
 * Creates the deployment's first administrator (or makes an existing account one).
 *   npm run admin:create -- --phone 09121234567 --name "مدیر سامانه" [--password …]
 * Without --password a strong one is generated and printed once.
 */
const args = cliArgs({ phone: { type: "string" }, name: { type: "string" }, password: { type: "string" } });
const { database, t } = await openForCli();
try {
  const phone = normalizePhone(String(args.phone ?? ""));
  if (!phone) {
    console.error(t("cli.phone_required"));
    process.exitCode = 2;
  } else {
    const displayName = normalizeText(String(args.name ?? t("roles.admin"))).slice(0, 60);
    const generated = !args.password;
    const password = generated ? crypto.randomBytes(12).toString("base64url") : String(args.password);
    const problem = checkPassword(password, { phone, displayName });
    if (problem) {
      console.error(t(`errors.${problem}`, { min: 8, max: 128 }));
      process.exitCode = 2;
    } else {
      const result = await bootstrapAdmin(database.db, { phone, displayName, passwordHash: await hashPassword(password) });
      const shown = formatPhone(phone, { digits: "latn" });
      if (result.createdUser) {
        console.log(t("cli.admin_created", { phone: shown }));
        if (generated) console.log(t("cli.password_once", { password }));
      } else {
        console.log(result.grantedRole ? t("cli.admin_granted", { phone: shown }) : t("cli.admin_exists", { phone: shown }));
      }
    }
  }
} finally {
  await database.close();
}
