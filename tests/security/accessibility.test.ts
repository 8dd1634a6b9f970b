import fs from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PHONE, describeBrowser, launchChromium, signInContext, watchContext } from "../support/browser";
import { scaled } from "../support/wait";
import { PASSWORD, buildWorld, type RoleKey, type World } from "./world";

/**
 * axe-core in Chromium at phone width on the main pages of every role: no serious or critical
 * violation. axe runs from the package's own file, injected into the page (nothing from elsewhere).
 */

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const PAGES: { as: RoleKey; paths: (w: World) => string[] }[] = [
  {
    as: "anonymous",
    paths: (w) => [
      "/",
      "/proposals",
      "/search?q=%D9%BE%D8%A7%D8%B1%DA%A9",
      `/proposals/${w.ids.proposalId}`,
      `/councils/${w.ids.councilA}`,
      `/neighborhoods/${w.ids.hoodA}`,
      `/districts/${w.ids.districtA}`,
      `/threads/${w.ids.publicThread}`,
      "/login",
      "/signup",
      "/forgot-password",
      "/track?code=1234567890",
      "/record",
      "/data",
      "/policies",
      `/councils/${w.ids.councilA}/meetings`,
      `/meetings/${w.ids.meetingA}`,
      `/threads/${w.ids.publicThread}/digest`,
    ],
  },
  {
    as: "resident",
    paths: (w) => [
      "/inbox",
      "/inbox/settings",
      "/me/councils",
      "/account",
      `/proposals/new?council=${w.ids.councilA}`,
      `/threads/${w.ids.publicThread}`,
    ],
  },
  {
    as: "chair",
    paths: (w) => [
      `/councils/${w.ids.councilA}`,
      `/proposals/${w.ids.proposalId}`,
      `/councils/${w.ids.councilA}/meetings`,
      `/meetings/${w.ids.meetingA}`,
    ],
  },
  {
    as: "managerOwn",
    paths: (w) => [
      "/manage",
      `/manage/districts/${w.ids.districtA}`,
      `/manage/districts/${w.ids.districtA}/applications`,
      `/manage/districts/${w.ids.districtA}/moderation`,
      `/manage/districts/${w.ids.districtA}/counter`,
      `/manage/districts/${w.ids.districtA}/staff`,
      `/manage/districts/${w.ids.districtA}/meetings`,
      `/manage/districts/${w.ids.districtA}/analytics`,
      `/manage/districts/${w.ids.districtA}/report`,
      `/manage/districts/${w.ids.districtA}/neighborhoods/new`,
      `/manage/councils/${w.ids.councilA}`,
      `/manage/neighborhoods/${w.ids.hoodA}`,
    ],
  },
  { as: "commissionOwn", paths: (w) => [`/commissions/${w.ids.commissionOwn}`, `/threads/${w.ids.commissionThread}`] },
  {
    as: "deputy",
    paths: (w) => ["/deputy", "/deputy/settings", "/deputy/analytics", "/deputy/policies", `/deputy/policies/${w.ids.policyId}`],
  },
  {
    as: "admin",
    paths: (w) => [
      "/admin",
      "/admin/districts",
      `/admin/districts/${w.ids.districtA}`,
      "/admin/commissions",
      `/admin/commissions/${w.ids.commissionOwn}`,
      "/admin/categories",
      "/admin/roles",
      "/admin/audit",
    ],
  },
];

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
}

async function axe(page: Page): Promise<AxeResult> {
  // Evaluated through the browser's debugging protocol: the page's own CSP (nonce scripts only)
  // rightly refuses an injected inline script tag.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResult> } }).axe.run;
    const result = await run(document, { resultTypes: ["violations"] });
    return {
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      })),
    };
  });
}

describeBrowser("accessibility (axe-core, Chromium at 390 px)", () => {
  let w: World;
  let browser: Browser;

  beforeAll(async () => {
    w = await buildWorld("pglite");
    browser = await launchChromium();
  }, scaled(120_000));
  afterAll(async () => {
    await browser?.close();
    await w?.app.close();
  });

  for (const { as, paths } of PAGES) {
    it(
      `has no serious or critical violation on the main pages of ${as}`,
      async () => {
        const problems: string[] = [];
        const session =
          as === "anonymous"
            ? await (async () => {
                const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: "fa-IR" });
                watchContext(context, problems);
                return { context, page: await context.newPage() };
              })()
            : await signInContext(browser, {
                baseUrl: w.app.baseUrl,
                phone: w.users[as].phone.replace(/^\+98/, "0"),
                password: PASSWORD,
                problems,
              });
        const found: string[] = [];
        try {
          for (const path of paths(w)) {
            const response = await session.page.goto(`${w.app.baseUrl}${path}`);
            expect(response?.status(), path).toBe(200);
            await session.page.waitForLoadState("networkidle").catch(() => {});
            const { violations } = await axe(session.page);
            for (const v of violations) {
              if (v.impact !== "serious" && v.impact !== "critical") continue;
              found.push(
                `${path}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
                  .slice(0, 3)
                  .map((n) => n.target.join(" "))
                  .join(" | ")}`,
              );
            }
          }
        } finally {
          await session.context.close();
        }
        expect(found).toEqual([]);
      },
      scaled(120_000),
    );
  }
});
