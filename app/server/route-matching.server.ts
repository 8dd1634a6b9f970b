import fs from "node:fs";
import path from "node:path";
import Module, { createRequire } from "node:module";
import type { AgnosticRouteMatch, AgnosticRouteObject, Location } from "@remix-run/router";

/**
 * Remix matches the address against its route table several times for each page: the request
 * handler, the page's render, and the list of routes sent to the browser (for the address and each
 * of its parents). React Router's `matchRoutes` flattens, scores and sorts the whole table and
 * compiles a pattern for every route it tries, on every call: about a sixth of a page's CPU time
 * (decision 030). The answer depends only on the table's shape, the address and the base path, and
 * addresses differ mostly by the ids in them.
 *
 * So the answer is worked out once per (table shape, address shape, base path) by React Router's
 * own `matchRoutes`, and kept as a template: each UUID in the address is replaced by a stand-in
 * before matching and put back into the answer's paths and parameters after. The route objects of
 * the answer are those of the table passed in, found by id. A table whose routes lack unique ids,
 * or an address holding a stand-in already, is matched the ordinary way.
 */

type Routes = AgnosticRouteObject[];
type Match = AgnosticRouteMatch<string, AgnosticRouteObject>;
type MatchRoutes = (routes: Routes, location: Partial<Location> | string, basename?: string) => Match[] | null;

interface Table {
  /** A small number standing for the table's shape. */
  shape: number;
  byId: Map<string, AgnosticRouteObject>;
}

interface Template {
  routeId: string;
  params: Record<string, string | undefined>;
  pathname: string;
  pathnameBase: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const STAND_IN_PREFIX = "00000000-0000-4000-8000-";
const standIn = (i: number) => `${STAND_IN_PREFIX}${String(i).padStart(12, "0")}`;
const STAND_IN = new RegExp(`${STAND_IN_PREFIX}(\\d{12})`, "g");

export function cachingMatchRoutes(original: MatchRoutes, options: { maxAnswers?: number } = {}): MatchRoutes {
  const maxAnswers = options.maxAnswers ?? 5_000;
  const shapes = new Map<string, number>();
  const answers = new Map<string, Template[] | null>();

  // Remembered per array, and described again when the table grew in place (routes found later
  // are added to it): counting its routes on every call is cheaper than describing it.
  const described = new WeakMap<Routes, { count: number; table: Table | null }>();
  const countRoutes = (routes: Routes): number => {
    let n = routes.length;
    for (const route of routes) if (route.children?.length) n += countRoutes(route.children);
    return n;
  };
  const tableOf = (routes: Routes): Table | null => {
    const count = countRoutes(routes);
    const kept = described.get(routes);
    if (kept && kept.count === count) return kept.table;
    const table = describe(routes);
    described.set(routes, { count, table });
    return table;
  };
  const describe = (routes: Routes): Table | null => {
    const byId = new Map<string, AgnosticRouteObject>();
    const parts: string[] = [];
    let unique = true;
    const walk = (list: Routes) => {
      for (const route of list) {
        const id = route.id;
        if (typeof id !== "string" || byId.has(id)) {
          unique = false;
          return;
        }
        byId.set(id, route);
        parts.push(id, "\u0001", route.path ?? "\u0002", route.index ? "i" : "", route.caseSensitive ? "c" : "");
        if (route.children?.length) {
          parts.push("(");
          walk(route.children);
          parts.push(")");
        }
        parts.push("\u0003");
        if (!unique) return;
      }
    };
    walk(routes);
    if (!unique) return null;
    const key = parts.join("");
    let shape = shapes.get(key);
    if (shape === undefined) {
      // A handful of tables exist (one per build); more means something makes new ones: start over.
      if (shapes.size >= 64) {
        shapes.clear();
        answers.clear();
      }
      shape = shapes.size + 1;
      shapes.set(key, shape);
    }
    return { shape, byId };
  };

  return function matchRoutes(routes, locationArg, basename = "/") {
    const table = tableOf(routes);
    const pathname = typeof locationArg === "string" ? pathOf(locationArg) : (locationArg.pathname ?? "");
    if (!table || pathname.includes(STAND_IN_PREFIX)) return original(routes, locationArg, basename);

    const ids: string[] = [];
    const shaped = pathname.replace(UUID, (id) => {
      ids.push(id);
      return standIn(ids.length - 1);
    });
    const key = `${table.shape}\u0000${basename}\u0000${shaped}`;
    let templates = answers.get(key);
    if (templates === undefined) {
      const found = original(routes, { pathname: shaped }, basename);
      templates = found
        ? found.map((m) => ({ routeId: m.route.id!, params: { ...m.params }, pathname: m.pathname, pathnameBase: m.pathnameBase }))
        : null;
      if (answers.size >= maxAnswers) answers.delete(answers.keys().next().value as string);
      answers.set(key, templates);
    }
    if (!templates) return null;
    const restore = ids.length ? (text: string) => text.replace(STAND_IN, (_, i: string) => ids[Number(i)] ?? _) : (text: string) => text;
    return templates.map((t) => {
      const params: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(t.params)) params[name] = value === undefined ? value : restore(value);
      return { params, pathname: restore(t.pathname), pathnameBase: restore(t.pathnameBase), route: table.byId.get(t.routeId)! };
    });
  };
}

/** The path part of an address given as text (React Router's `parsePath`, without search and hash). */
function pathOf(address: string): string {
  let end = address.length;
  const hash = address.indexOf("#");
  if (hash >= 0) end = hash;
  const search = address.indexOf("?");
  if (search >= 0 && search < end) end = search;
  return address.slice(0, end);
}

let installed = false;

/**
 * Puts the caching `matchRoutes` in place of React Router's own, in the one copy of
 * `@remix-run/router` that Remix's server runtime, its React components and React Router load
 * (they call it through the module, so they all get this one). Once per process.
 */
export function installRouteMatchCache() {
  if (installed) return;
  installed = true;
  const router = createRequire(import.meta.url)("@remix-run/router") as { matchRoutes: MatchRoutes };
  router.matchRoutes = cachingMatchRoutes(router.matchRoutes.bind(router));
}

/**
 * Remix also rebuilds, for every page it renders, the table of its route modules and the route
 * objects React Router renders from (one per route of the app, each a fresh object with its
 * components). Both depend only on the build: they are made once per build here, in place of the
 * functions Remix calls through its modules (`createEntryRouteModules`, `createServerRoutes`).
 * Nothing downstream changes them: React Router copies the routes into its own objects per request.
 */
export function installRouteTreeMemory() {
  if (treeMemoryInstalled) return;
  treeMemoryInstalled = true;
  const require = createRequire(import.meta.url);
  const entry = require("@remix-run/server-runtime/dist/entry.js") as { createEntryRouteModules: (routes: object) => object };
  const createEntryRouteModules = entry.createEntryRouteModules;
  const modulesOf = new WeakMap<object, object>();
  entry.createEntryRouteModules = (routes) => {
    let modules = modulesOf.get(routes);
    if (!modules) {
      modules = createEntryRouteModules(routes);
      modulesOf.set(routes, modules);
    }
    return modules;
  };

  const remixRoutes = require("@remix-run/react/dist/routes.js") as {
    createServerRoutes: (manifest: object, modules: object, future: object, isSpaMode: boolean, ...rest: unknown[]) => unknown;
  };
  const createServerRoutes = remixRoutes.createServerRoutes;
  const made = new WeakMap<object, WeakMap<object, Map<unknown, unknown>>>();
  remixRoutes.createServerRoutes = (manifest, modules, future, isSpaMode, ...rest) => {
    // Only the top call (the recursion passes a parent id and more): that is the one Remix makes.
    if (rest.length) return createServerRoutes(manifest, modules, future, isSpaMode, ...rest);
    let byModules = made.get(manifest);
    if (!byModules) made.set(manifest, (byModules = new WeakMap()));
    let byFlags = byModules.get(modules);
    if (!byFlags) byModules.set(modules, (byFlags = new Map()));
    const key = `${Boolean(isSpaMode)}${JSON.stringify(future ?? null)}`;
    let routes = byFlags.get(key);
    if (!routes) {
      routes = createServerRoutes(manifest, modules, future, isSpaMode);
      byFlags.set(key, routes);
    }
    return routes;
  };
}

let treeMemoryInstalled = false;

/**
 * The static handler's own call to React Router's matcher (the data loading of every page) is
 * inside the module and cannot be reached by `installRouteMatchCache`. So the module is loaded
 * once, before Remix loads it, from its own text with two changes (decision 030):
 * - the flattened and ranked branches of a route table are kept per table (and made again if the
 *   table grew: its number of routes is counted on every call), instead of being made per match;
 * - a route pattern's regular expression is compiled once per (path, case, end) instead of for
 *   every route tried on every match.
 * Both are pure functions of their inputs. The text changed must be found exactly; otherwise
 * (another version) the module is left to load as it is and `patchedRouterSource` returns null.
 */
const FLATTEN_AND_RANK = "let branches = flattenRoutes(routes);\n  rankRouteBranches(branches);";
const COMPILE_PATH = "function compilePath(path, caseSensitive, end) {";
const ROUTER_MEMORY = `
const rankedBranchMemory = new WeakMap();
function countRoutes(routes) {
  let n = routes.length;
  for (const route of routes) if (route.children && route.children.length) n += countRoutes(route.children);
  return n;
}
function rankedBranchesOf(routes) {
  const count = countRoutes(routes);
  let kept = rankedBranchMemory.get(routes);
  if (!kept || kept.count !== count) {
    const branches = flattenRoutes(routes);
    rankRouteBranches(branches);
    kept = { count, branches };
    rankedBranchMemory.set(routes, kept);
  }
  return kept.branches;
}
const compiledPaths = new Map();
function compiledPathOf(path, caseSensitive, end) {
  const key = (caseSensitive ? "c" : "i") + (end === undefined || end ? "e" : "p") + path;
  let compiled = compiledPaths.get(key);
  if (!compiled) {
    if (compiledPaths.size >= 10000) compiledPaths.clear();
    compiled = compilePathAnew(path, caseSensitive, end);
    compiledPaths.set(key, compiled);
  }
  return compiled;
}
exports.__mahallehRouterMemory = true;
`;

export function patchedRouterSource(source: string): string | null {
  if (source.split(FLATTEN_AND_RANK).length !== 2 || source.split(COMPILE_PATH).length !== 2) return null;
  return (
    source
      .replace(FLATTEN_AND_RANK, "let branches = rankedBranchesOf(routes);")
      .replace(
        COMPILE_PATH,
        "function compilePath(path, caseSensitive, end) {\n  return compiledPathOf(path, caseSensitive, end);\n}\nfunction compilePathAnew(path, caseSensitive, end) {",
      ) + ROUTER_MEMORY
  );
}

type CompilableModule = NodeJS.Module & { _compile(content: string, filename: string): void; paths: string[] };
type ModuleInternals = { new (id: string): CompilableModule; _nodeModulePaths(dir: string): string[] };

/**
 * Loads `@remix-run/router` with the memory above into the module cache, where every later
 * `require` and `import` of it finds it. Must run before anything loads Remix (the server's first
 * import does it). Returns whether the module in the cache now has the memory.
 */
export function preloadRouterMemory(): boolean {
  const require = createRequire(import.meta.url);
  const filename = require.resolve("@remix-run/router");
  const loaded = require.cache[filename];
  if (loaded) return Boolean((loaded.exports as { __mahallehRouterMemory?: boolean }).__mahallehRouterMemory);
  const source = patchedRouterSource(fs.readFileSync(filename, "utf8"));
  if (!source) return false;
  const Internals = Module as unknown as ModuleInternals;
  const mod = new Internals(filename);
  mod.filename = filename;
  mod.paths = Internals._nodeModulePaths(path.dirname(filename));
  mod._compile(source, filename);
  mod.loaded = true;
  require.cache[filename] = mod;
  return true;
}
