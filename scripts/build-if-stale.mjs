// `npm start` builds only when the build is missing or older than what it is built from, so a
// restart of an unchanged checkout starts serving in seconds instead of rebuilding every time.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outputs = ["build/index.js", "public/build/manifest-"].map((p) => path.join(root, p));
const sources = ["app", "locales", "remix.config.js", "package.json", "package-lock.json", "tsconfig.json"];

/** Newest modification time under a file or folder (0 when it does not exist). */
function newest(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

function builtAt() {
  let server;
  try {
    server = fs.statSync(outputs[0]).mtimeMs;
  } catch {
    return 0;
  }
  // The browser bundle must be there too (its manifest is named by content).
  const browser = path.join(root, "public", "build");
  const hasManifest = fs.existsSync(browser) && fs.readdirSync(browser).some((f) => f.startsWith("manifest-"));
  return hasManifest ? server : 0;
}

export function buildIsCurrent() {
  const built = builtAt();
  if (!built) return false;
  return sources.every((s) => newest(path.join(root, s)) <= built);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (buildIsCurrent()) {
    console.log("build is current: not rebuilding");
  } else {
    const remix = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "remix.cmd" : "remix");
    const result = spawnSync(remix, ["build"], { cwd: root, stdio: "inherit" });
    process.exit(result.status ?? 1);
  }
}
