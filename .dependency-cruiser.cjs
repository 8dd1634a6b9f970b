/**
 * The import floors (docs/architecture.md, docs/decisions/017-import-floors-and-lint.md), checked by
 * `npm run lint` and by tests/architecture/import-floors.test.ts. Top to bottom:
 *   routes, root → server → realtime → domain → utils → db
 *   components and forms (the browser's) → domain's browser-safe modules, utils, realtime's hooks
 * A rule here names what may NOT be imported; everything else is allowed.
 */

// Request handling has moved off the bottom floor (app/server/thread.server.ts, code-flow.server.ts):
// app/utils has no exceptions, and none may be added.
const UTILS_EXCEPTIONS = [];

// The database's own tools (seeding, the admin and migration commands) drive the app from below.
const DB_TOOLS = "^db/(cli|create-admin|seed-demo|demo-data\\.server)\\.ts$|\\.test\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No circles anywhere, type-only imports included.",
      from: { path: "^(app|db)/" },
      to: { circular: true },
    },
    {
      name: "db-imports-no-app",
      severity: "error",
      comment: "The database floor (schema, client, vocabulary) imports nothing from the app.",
      from: { path: "^db/", pathNot: DB_TOOLS },
      to: { path: "^app/" },
    },
    {
      name: "utils-are-leaves",
      severity: "error",
      comment: "app/utils holds leaves: it may import db and other utils, nothing above.",
      from: { path: "^app/utils/", pathNot: UTILS_EXCEPTIONS },
      to: { path: "^app/(domain|realtime|server|routes|components|forms)/|^app/(root|entry\\.[a-z]+)\\.tsx$" },
    },
    {
      name: "domain-below-requests",
      severity: "error",
      comment: "The domain never imports routes, the live layer, components, forms or the request floor.",
      from: { path: "^app/domain/" },
      to: { path: "^app/(realtime|server|routes|components|forms)/|^app/(root|entry\\.[a-z]+)\\.tsx$" },
    },
    {
      name: "realtime-below-requests",
      severity: "error",
      comment: "The live layer is used by the request floor and pages, never the other way round.",
      from: { path: "^app/realtime/" },
      to: { path: "^app/(server|routes|components|forms)/|^app/(root|entry\\.[a-z]+)\\.tsx$" },
    },
    {
      name: "browser-code-imports-no-server-module",
      severity: "error",
      comment: "Components and forms run in the browser: no *.server module at run time (a type, erased by the compiler, may be read).",
      from: { path: "^app/(components|forms)/" },
      to: { path: "\\.server\\.tsx?$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "browser-code-below-pages",
      severity: "error",
      comment: "Components and forms never import routes, the root route or the request floor.",
      from: { path: "^app/(components|forms)/" },
      to: { path: "^app/(routes|server)/|^app/(root|entry\\.[a-z]+)\\.tsx$" },
    },
    {
      name: "nothing-imports-a-route",
      severity: "error",
      comment: "Routes are the top floor: Remix loads them by file name; shared code lives below them.",
      from: { path: "^(app|db)/", pathNot: "^app/routes/" },
      to: { path: "^app/routes/|^app/root\\.tsx$" },
    },
    {
      name: "routes-share-only-types",
      severity: "error",
      comment: "A page may read its parent's loader type (`typeof loader`), nothing more from another route.",
      from: { path: "^app/routes/" },
      to: { path: "^app/routes/|^app/root\\.tsx$", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(build|public/build|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
