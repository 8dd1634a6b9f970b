import { formatPhone } from "../app/utils/persian";
import { openForCli } from "./cli";
import { seedDemo } from "./demo-data.server";

/** npm run seed:demo — a Persian demo city (Hamedan). Run it again at any time: nothing doubles. */
const { database, t } = await openForCli();
try {
  const report = await seedDemo(database.db);
  console.log(
    t("cli.seed_done", {
      districts: report.districtsCreated,
      neighborhoods: report.neighborhoodsCreated,
      commissions: report.commissionsCreated,
    }),
  );
  for (const a of report.accounts) {
    const phone = formatPhone(a.phone, { digits: "latn" });
    console.log(
      `  ${t(`roles.${a.role}`)} · ${a.displayName} · ${phone} · ` +
        (a.password ? t("cli.password_is", { password: a.password }) : t("cli.password_unchanged")),
    );
  }
  if (report.accounts.some((a) => a.password)) console.log(t("cli.passwords_once"));
} finally {
  await database.close();
}
