// What the dashboard's JavaScript is made of: builds dashboard_extension/ with its own Vite config into a temporary
// folder (the committed build is not touched) and sums each module's rendered (minified) bytes per npm package.
// Run from dashboard_extension/ (bench/dashboard/run.py --composition does): node ../bench/dashboard/composition.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const front = resolve(process.cwd());
const require = createRequire(join(front, "package.json"));
const { build } = await import(pathToFileURL(require.resolve("vite")).href);

function packageOf(id) {
  const path = id.replace(/\\/g, "/").replace(/^\0/, "");
  const at = path.lastIndexOf("/node_modules/");
  if (at < 0) return path.includes("/dashboard_extension/src/") ? "(app sources)" : "(other)";
  const parts = path.slice(at + "/node_modules/".length).split("/");
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

const packages = new Map();
const chunks = [];
const collector = {
  name: "bench-composition",
  generateBundle(_options, bundle) {
    for (const output of Object.values(bundle)) {
      if (output.type !== "chunk") continue;
      chunks.push({ file: output.fileName, bytes: output.code.length });
      for (const [id, info] of Object.entries(output.modules)) {
        const name = packageOf(id);
        packages.set(name, (packages.get(name) ?? 0) + (info.renderedLength ?? 0));
      }
    }
  },
};

const outDir = mkdtempSync(join(tmpdir(), "dashboard-composition-"));
try {
  await build({
    root: front,
    configFile: join(front, "vite.config.ts"),
    logLevel: "silent",
    plugins: [collector],
    build: { outDir, emptyOutDir: true, write: false },
  });
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
const sorted = [...packages.entries()].sort((a, b) => b[1] - a[1]);
const total = sorted.reduce((sum, [, bytes]) => sum + bytes, 0);
process.stdout.write(JSON.stringify({ chunks, total, packages: sorted }, null, 2));
