import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import * as router from "@remix-run/router";
import { cachingMatchRoutes, installRouteTreeMemory, patchedRouterSource, preloadRouterMemory } from "./route-matching.server";

/** A route table with what Remix's tables have: layouts, index routes, ids, optional and splat segments. */
function table(): AgnosticRouteObject[] {
  return [
    {
      id: "root",
      path: "",
      children: [
        { id: "home", index: true },
        { id: "proposals", path: "proposals", children: [{ id: "proposals-index", index: true }] },
        { id: "proposal-new", path: "proposals/new" },
        { id: "proposal", path: "proposals/:proposalId" },
        { id: "proposal-print", path: "proposals/:proposalId/print" },
        {
          id: "council",
          path: "councils/:councilId",
          children: [
            { id: "council-index", index: true },
            { id: "council-proposals", path: "proposals" },
            { id: "council-meeting", path: "meetings/:meetingId" },
          ],
        },
        { id: "pathless", children: [{ id: "inbox", path: "inbox" }] },
        { id: "lang", path: ":lang?/about" },
        { id: "Case", path: "Exact", caseSensitive: true },
        { id: "api", path: "api/v1/:dataset" },
        { id: "splat", path: "*" },
      ],
    },
  ];
}

const ids = ["2e64d53a-2914-1d5f-377c-6b246412f009", "6B767BD4-5ABE-CEA0-51AB-3F45E705B98E", "cd66e180-5c72-8d07-ad9b-41e7db3bb69b"];

const addresses = [
  "/",
  "",
  "/proposals",
  "/proposals/",
  "/proposals/new",
  `/proposals/${ids[0]}`,
  `/proposals/${ids[1]}`,
  `/proposals/${ids[0]}/print`,
  `/proposals/${ids[0]}?tab=votes#m-12`,
  `/councils/${ids[0]}`,
  `/councils/${ids[0]}/proposals`,
  `/councils/${ids[0]}/meetings/${ids[2]}`,
  `/councils/${ids[0]}/meetings/${ids[0]}`,
  `/councils/x${ids[0]}y/proposals`,
  "/inbox",
  "/about",
  "/fa/about",
  "/Exact",
  "/exact",
  "/api/v1/proposals.csv",
  "/%D9%85%D8%AD%D9%84%D9%87",
  "/محله/۱۲",
  `/no/such/${ids[1]}/page`,
  "/proposals/00000000-0000-4000-8000-000000000001",
  "/a//b",
];

const plain = (matches: ReturnType<typeof matchRoutes>) =>
  matches?.map((m) => ({ id: m.route.id, params: m.params, pathname: m.pathname, pathnameBase: m.pathnameBase })) ?? null;

describe("matching addresses against the route table once per shape", () => {
  it("answers exactly what React Router's matchRoutes answers, the first time and from memory", () => {
    const cached = cachingMatchRoutes(matchRoutes);
    const routes = table();
    for (let round = 0; round < 3; round++) {
      for (const address of addresses) {
        for (const basename of [undefined, "/", "/city"]) {
          const location = round === 2 ? { pathname: address.split("?")[0]! } : address;
          const want = plain(matchRoutes(routes, location, basename));
          const got = plain(cached(routes, location, basename));
          expect(got, `${address} (basename ${basename})`).toEqual(want);
        }
      }
    }
  });

  it("answers with the route objects of the table it is given, for another table of the same shape", () => {
    const cached = cachingMatchRoutes(matchRoutes);
    const first = table();
    const second = table();
    cached(first, `/councils/${ids[0]}/proposals`);
    const matches = cached(second, `/councils/${ids[1]}/proposals`)!;
    expect(matches.map((m) => m.route)).toEqual(matchRoutes(second, `/councils/${ids[1]}/proposals`)!.map((m) => m.route));
    for (const m of matches) expect(m.route).not.toBe(first[0]!.children!.find((r) => r.id === m.route.id));
    expect(matches.at(-1)!.params).toEqual({ councilId: ids[1] });
  });

  it("tells tables of different shapes apart, and a table that grew", () => {
    const cached = cachingMatchRoutes(matchRoutes);
    const routes = table();
    expect(cached(routes, "/inbox")!.at(-1)!.route.id).toBe("inbox");
    routes[0]!.children!.unshift({ id: "inbox-new", path: "inbox" });
    expect(plain(cached(routes, "/inbox"))).toEqual(plain(matchRoutes(routes, "/inbox")));
    expect(cached(routes, "/inbox")!.at(-1)!.route.id).toBe("inbox-new");
  });

  it("tells apart tables made anew whose routes have the same ids but other paths, flags or nesting", () => {
    const cached = cachingMatchRoutes(matchRoutes);
    const find = (routes: AgnosticRouteObject[], id: string): AgnosticRouteObject | undefined => {
      for (const r of routes) {
        if (r.id === id) return r;
        const below = r.children ? find(r.children, id) : undefined;
        if (below) return below;
      }
      return undefined;
    };
    const variants: ((routes: AgnosticRouteObject[]) => void)[] = [
      (r) => void (find(r, "inbox")!.path = "mail"),
      (r) => void (find(r, "Case")!.caseSensitive = false),
      (r) =>
        void r[0]!.children!.push(
          r[0]!.children!.splice(
            r[0]!.children!.findIndex((c) => c.id === "splat"),
            1,
          )[0]!,
        ),
      (r) => void r[0]!.children!.find((c) => c.id === "proposals")!.children!.pop(),
    ];
    for (const change of variants) {
      for (const address of addresses) expect(plain(cached(table(), address))).toEqual(plain(matchRoutes(table(), address)));
      const changed = table();
      change(changed);
      for (const address of addresses) expect(plain(cached(changed, address)), address).toEqual(plain(matchRoutes(changed, address)));
    }
  });

  it("leaves tables without unique ids to React Router", () => {
    let calls = 0;
    const counting: typeof matchRoutes = (...args) => {
      calls++;
      return matchRoutes(...args);
    };
    const cached = cachingMatchRoutes(counting);
    const noIds: AgnosticRouteObject[] = [{ path: "a" }, { path: "b" }];
    cached(noIds, "/a");
    cached(noIds, "/a");
    expect(calls).toBe(2);
    const routes = table();
    cached(routes, `/proposals/${ids[0]}`);
    cached(routes, `/proposals/${ids[1]}`);
    cached(table(), `/proposals/${ids[2]}`);
    expect(calls).toBe(3);
  });

  it("forgets the oldest answers past its limit and still answers right", () => {
    const cached = cachingMatchRoutes(matchRoutes, { maxAnswers: 10 });
    const routes = table();
    for (let i = 0; i < 50; i++) expect(plain(cached(routes, `/p${i}`))).toEqual(plain(matchRoutes(routes, `/p${i}`)));
    expect(plain(cached(routes, `/proposals/${ids[0]}`))).toEqual(plain(matchRoutes(routes, `/proposals/${ids[0]}`)));
  });
});

describe("Remix's route tree, made once per build", () => {
  it("gives the same route objects and module table for the same build, and new ones for another", () => {
    installRouteTreeMemory();
    const require = createRequire(import.meta.url);
    const { createEntryRouteModules } = require("@remix-run/server-runtime/dist/entry.js");
    const { createServerRoutes } = require("@remix-run/react/dist/routes.js");
    const buildRoutes = {
      root: { id: "root", path: "", module: { default: () => null } },
      "routes/a": { id: "routes/a", parentId: "root", path: "a", module: { default: () => null } },
    };
    const modules = createEntryRouteModules(buildRoutes);
    expect(createEntryRouteModules(buildRoutes)).toBe(modules);
    expect(Object.keys(modules)).toEqual(["root", "routes/a"]);
    const manifest = {
      root: { id: "root", path: "", hasLoader: true },
      "routes/a": { id: "routes/a", parentId: "root", path: "a", hasLoader: false },
    };
    const routes = createServerRoutes(manifest, modules, {}, false);
    expect(createServerRoutes(manifest, modules, {}, false)).toBe(routes);
    expect(routes[0].id).toBe("root");
    expect(routes[0].children.map((r: { id: string }) => r.id)).toEqual(["routes/a"]);
    // React Router's static router converts them once too, and fills its manifest each time.
    const { createStaticRouter } = require("react-router-dom/server");
    const context = { basename: "/", location: { pathname: "/a" }, matches: [], loaderData: {}, actionData: null, errors: null };
    const first = createStaticRouter(routes, context);
    const second = createStaticRouter(routes, context);
    expect(second.routes).toBe(first.routes);
    expect(first.routes[0].id).toBe("root");
    expect(first.routes[0].children[0].id).toBe("routes/a");
    const { UNSAFE_convertRoutesToDataRoutes: convert } = require("@remix-run/router");
    const mapper = () => ({});
    const filled: Record<string, { id: string }> = {};
    const converted = convert(routes, mapper, undefined, filled);
    expect(Object.keys(filled).sort()).toEqual(["root", "routes/a"]);
    const again: Record<string, { id: string }> = {};
    expect(convert(routes, mapper, undefined, again)).toBe(converted);
    expect(again).toEqual(filled);
    expect(again.root).toBe(converted[0]);
    // Another mapping of the properties is converted anew.
    expect(convert(routes, () => ({}), undefined, {})).not.toBe(converted);
    // Another build (a rebuild in development) gets its own.
    const rebuilt = { ...buildRoutes };
    expect(createEntryRouteModules(rebuilt)).not.toBe(modules);
    expect(createServerRoutes({ ...manifest }, modules, {}, false)).not.toBe(routes);
  });
});

/** React Router's module as the server loads it (with its matcher's memory), as a separate copy. */
function routerWithMemory(): typeof router {
  const require = createRequire(import.meta.url);
  const filename = require.resolve("@remix-run/router");
  const source = patchedRouterSource(fs.readFileSync(filename, "utf8"));
  // Null means the installed version's text changed: the server then runs without the memory.
  expect(source, "the installed @remix-run/router can be given its memory").not.toBeNull();
  const Internals = Module as unknown as new (id: string) => NodeJS.Module & { _compile(s: string, f: string): void };
  const mod = new Internals(filename);
  mod.filename = filename;
  mod._compile(source!, filename);
  return mod.exports as typeof router;
}

describe("React Router's matcher with its branches and patterns kept", () => {
  it("answers what the module as published answers, repeatedly, for every address and base path", () => {
    const kept = routerWithMemory();
    expect((kept as unknown as { __mahallehRouterMemory: boolean }).__mahallehRouterMemory).toBe(true);
    const routes = table();
    for (let round = 0; round < 3; round++) {
      for (const address of addresses) {
        for (const basename of [undefined, "/", "/city"]) {
          expect(plain(kept.matchRoutes(routes, address, basename)), `${address} (basename ${basename})`).toEqual(
            plain(router.matchRoutes(routes, address, basename)),
          );
        }
        for (const pattern of ["/proposals/:proposalId", { path: "/proposals", end: false }, { path: "/EXACT", caseSensitive: true }]) {
          expect(kept.matchPath(pattern, address.split("?")[0]!)).toEqual(router.matchPath(pattern, address.split("?")[0]!));
        }
      }
    }
  });

  it("ranks a table again when it grew in place", () => {
    const kept = routerWithMemory();
    const routes = table();
    expect(kept.matchRoutes(routes, "/inbox")!.at(-1)!.route.id).toBe("inbox");
    routes[0]!.children!.unshift({ id: "inbox-new", path: "inbox" });
    expect(kept.matchRoutes(routes, "/inbox")!.at(-1)!.route.id).toBe("inbox-new");
    expect(plain(kept.matchRoutes(routes, "/inbox"))).toEqual(plain(router.matchRoutes(routes, "/inbox")));
  });

  it("loads the data of the same routes in the static handler (Remix's request path)", async () => {
    const kept = routerWithMemory();
    const withLoaders = (routes: AgnosticRouteObject[]): AgnosticRouteObject[] =>
      routes.map((r) => ({
        ...r,
        ...(r.index ? { index: true as const, children: undefined } : { children: r.children ? withLoaders(r.children) : undefined }),
        loader: ({ params }: { params: Record<string, string | undefined> }) => ({ id: r.id, params }),
      })) as AgnosticRouteObject[];
    const handlerKept = kept.createStaticHandler(withLoaders(table()));
    const handlerPlain = router.createStaticHandler(withLoaders(table()));
    for (const address of addresses.filter((a) => !a.startsWith("/a//") && a !== "")) {
      for (let i = 0; i < 2; i++) {
        const request = new Request(`http://127.0.0.1${address.startsWith("/") ? address : `/${address}`}`);
        const [a, b] = await Promise.all([handlerKept.query(request), handlerPlain.query(request.clone())]);
        expect(a instanceof Response || b instanceof Response).toBe(false);
        const pick = (c: typeof a) =>
          c instanceof Response ? null : { status: c.statusCode, data: c.loaderData, ids: c.matches.map((m) => m.route.id) };
        expect(pick(a), address).toEqual(pick(b));
      }
    }
  });

  it("is not loaded twice: once React Router is in the module cache, the preload only reports", () => {
    // This test file loaded the module as published: the preload leaves it and says so.
    expect(preloadRouterMemory()).toBe(false);
    expect(patchedRouterSource("function compilePath(path, caseSensitive, end) {")).toBeNull();
  });
});
