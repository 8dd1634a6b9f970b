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
 * the answer are those of the table passed in, found by their place in it (tables of one shape
 * have the same places). A table whose routes lack unique ids, or an address holding a stand-in
 * already, is matched the ordinary way.
 */

type Routes = AgnosticRouteObject[];
type Match = AgnosticRouteMatch<string, AgnosticRouteObject>;
type MatchRoutes = (routes: Routes, location: Partial<Location> | string, basename?: string) => Match[] | null;

/** What of a route decides how addresses match it, copied out of the (mutable) route objects. */
interface RouteShape {
  id: string;
  path: string | undefined;
  index: boolean;
  caseSensitive: boolean;
  children: RouteShape[] | null;
}

interface Template {
  /** Where the matched route is in a table of this shape: its index at each level. */
  at: number[];
  params: Record<string, string | undefined>;
  pathname: string;
  pathnameBase: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const STAND_IN_PREFIX = "00000000-0000-4000-8000-";
const standIn = (i: number) => `${STAND_IN_PREFIX}${String(i).padStart(12, "0")}`;
const STAND_IN = new RegExp(`${STAND_IN_PREFIX}(\\d{12})`, "g");

const childrenOf = (route: AgnosticRouteObject): Routes | null => (route.children?.length ? route.children : null);

function countRoutes(routes: Routes): number {
  let n = routes.length;
  for (const route of routes) {
    const children = childrenOf(route);
    if (children) n += countRoutes(children);
  }
  return n;
}

/** Whether a table has the shape of a copy: compared in place, nothing made (most calls). */
function sameShape(routes: Routes, shape: RouteShape[]): boolean {
  if (routes.length !== shape.length) return false;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const copy = shape[i]!;
    if (route.id !== copy.id || route.path !== copy.path || Boolean(route.index) !== copy.index) return false;
    if (Boolean(route.caseSensitive) !== copy.caseSensitive) return false;
    const children = childrenOf(route);
    if (!children !== !copy.children) return false;
    if (children && !sameShape(children, copy.children!)) return false;
  }
  return true;
}

/** A copy of a table's shape, or null when its routes lack unique ids. */
function copyShape(routes: Routes, seen = new Set<string>()): RouteShape[] | null {
  const out: RouteShape[] = [];
  for (const route of routes) {
    const id = route.id;
    if (typeof id !== "string" || seen.has(id)) return null;
    seen.add(id);
    const children = childrenOf(route);
    const copied = children ? copyShape(children, seen) : null;
    if (children && !copied) return null;
    out.push({ id, path: route.path, index: Boolean(route.index), caseSensitive: Boolean(route.caseSensitive), children: copied });
  }
  return out;
}

/** The index path of a route in a table (its index at each level), or null. */
function pathTo(routes: Routes, target: AgnosticRouteObject): number[] | null {
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    if (route === target) return [i];
    const children = childrenOf(route);
    const below = children ? pathTo(children, target) : null;
    if (below) return [i, ...below];
  }
  return null;
}

function routeAt(routes: Routes, at: number[]): AgnosticRouteObject {
  let route = routes[at[0]!]!;
  for (let level = 1; level < at.length; level++) route = route.children![at[level]!]!;
  return route;
}

export function cachingMatchRoutes(original: MatchRoutes, options: { maxAnswers?: number } = {}): MatchRoutes {
  const maxAnswers = options.maxAnswers ?? 5_000;
  const shapes: RouteShape[][] = [];
  const answers = new Map<string, Template[] | null>();

  // A table kept by the caller (the request handler's) is known by its array, and looked at again
  // when its number of routes changed (a table may grow in place: routes found later are added).
  // A table made anew for each request (React Router's render makes one) is compared with the
  // shapes already seen, in place, without building anything.
  const described = new WeakMap<Routes, { count: number; shape: number | null }>();
  const shapeOf = (routes: Routes): number | null => {
    const count = countRoutes(routes);
    const kept = described.get(routes);
    if (kept && kept.count === count) return kept.shape;
    let shape: number | null = shapes.findIndex((copy) => sameShape(routes, copy));
    if (shape < 0) {
      const copy = copyShape(routes);
      if (!copy) {
        shape = null;
      } else {
        // A handful of tables exist (one per build); more means something makes new ones: start over.
        if (shapes.length >= 64) {
          shapes.length = 0;
          answers.clear();
        }
        shape = shapes.push(copy) - 1;
      }
    }
    described.set(routes, { count, shape });
    return shape;
  };

  return function matchRoutes(routes, locationArg, basename = "/") {
    const shape = shapeOf(routes);
    const pathname = typeof locationArg === "string" ? pathOf(locationArg) : (locationArg.pathname ?? "");
    if (shape === null || pathname.includes(STAND_IN_PREFIX)) return original(routes, locationArg, basename);

    const ids: string[] = [];
    const shaped = pathname.replace(UUID, (id) => {
      ids.push(id);
      return standIn(ids.length - 1);
    });
    const key = `${shape}\u0000${basename}\u0000${shaped}`;
    let templates = answers.get(key);
    if (templates === undefined) {
      const found = original(routes, { pathname: shaped }, basename);
      templates = found
        ? found.map((m) => ({ at: pathTo(routes, m.route)!, params: { ...m.params }, pathname: m.pathname, pathnameBase: m.pathnameBase }))
        : null;
      // A route React Router answered with that is not in the table (never seen): not kept.
      if (templates?.some((t) => !t.at)) return found;
      if (answers.size >= maxAnswers) answers.delete(answers.keys().next().value as string);
      answers.set(key, templates);
    }
    if (!templates) return null;
    const restore = ids.length ? (text: string) => text.replace(STAND_IN, (_, i: string) => ids[Number(i)] ?? _) : (text: string) => text;
    return templates.map((t) => {
      const params: Record<string, string | undefined> = {};
      for (const name in t.params) {
        const value = t.params[name];
        params[name] = value === undefined ? value : restore(value);
      }
      return { params, pathname: restore(t.pathname), pathnameBase: restore(t.pathnameBase), route: routeAt(routes, t.at) };
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

  // React Router's static router (the render) converts the route objects into its own "data
  // routes" on every render: the same route objects give the same data routes, so they are made
  // once per table too. Its `manifest` argument is filled as React Router fills it.
  const router = require("@remix-run/router") as {
    UNSAFE_convertRoutesToDataRoutes: (routes: Routes, mapRouteProperties: unknown, parentPath?: unknown, manifest?: object) => Routes;
  };
  const convert = router.UNSAFE_convertRoutesToDataRoutes;
  const converted = new WeakMap<Routes, { mapper: unknown; count: number; dataRoutes: Routes; manifest: object }>();
  router.UNSAFE_convertRoutesToDataRoutes = (routes, mapRouteProperties, parentPath, manifest) => {
    const top = (parentPath === undefined || (Array.isArray(parentPath) && parentPath.length === 0)) && manifest !== undefined;
    if (!top || Object.keys(manifest).length) return convert(routes, mapRouteProperties, parentPath, manifest);
    const count = countRoutes(routes);
    let kept = converted.get(routes);
    if (!kept || kept.mapper !== mapRouteProperties || kept.count !== count) {
      const own = {};
      kept = { mapper: mapRouteProperties, count, dataRoutes: convert(routes, mapRouteProperties, undefined, own), manifest: own };
      converted.set(routes, kept);
    }
    Object.assign(manifest, kept.manifest);
    return kept.dataRoutes;
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
