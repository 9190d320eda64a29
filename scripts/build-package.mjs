// npm run build: the library as a package, staged in out/package/ (`npm pack out/package` packs it).
//
// Layout: compiled JS + declarations next to the TypeScript sources, at the same paths. That is what the
// Node.js plugin host needs (@pulumi/pulumi provider/experimental/analyzer.js findProgramEntryPoint swaps
// `.js` for `.ts` in `exports`/`main` and infers the schema from those sources with the package's
// tsconfig.json), and it cannot live in the repository tree, where a `.js` next to each `.ts` would shadow
// the sources for jest and ts-node. The manifest is written from this repository's package.json: its library
// fields (main, types, exports, peerDependencies, ...), and as `dependencies` exactly the packages the built
// files import, at the versions package.json pins (an import nobody declared fails the build).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "out", "package");
const rootManifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

fs.rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });

/** Every file under dir, relative to it. */
function walk(dir, rel = "") {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, path.join(rel, e.name)) : [path.join(rel, e.name)],
  );
}

// The sources next to the JS (the analyzer reads them), and the renewer script the components read at runtime.
const emitted = walk(out);
for (const f of emitted.filter((f) => f.endsWith(".js"))) {
  fs.copyFileSync(path.join(root, f.replace(/\.js$/, ".ts")), path.join(out, f.replace(/\.js$/, ".ts")));
}
for (const f of walk(root, "components").filter((f) => !f.endsWith(".ts"))) {
  fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
  fs.copyFileSync(path.join(root, f), path.join(out, f));
}
fs.copyFileSync(path.join(root, "PulumiPlugin.yaml"), path.join(out, "PulumiPlugin.yaml"));
fs.copyFileSync(path.join(root, rootManifest.main), path.join(out, rootManifest.main));
fs.copyFileSync(path.join(root, "packaging/tsconfig.json"), path.join(out, "tsconfig.json"));
fs.copyFileSync(path.join(root, "packaging/README.md"), path.join(out, "README.md"));

// Bare imports of the built JS and declarations: what a consumer's install must bring.
const builtin = new Set(["fs", "path", "crypto", "net", "url", "os", "child_process", "util", "http", "https"]);
const imported = new Set();
for (const f of walk(out).filter((f) => f.endsWith(".js") || f.endsWith(".d.ts") || f.endsWith(".mjs"))) {
  const text = fs.readFileSync(path.join(out, f), "utf8");
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^"\n]*\bfrom\s+"([^".][^"]*)"|\brequire\("([^".][^"]*)"\)|\bimport\("([^".][^"]*)"\)/gm)) {
    const spec = (m[1] ?? m[2] ?? m[3]).replace(/^node:/, "");
    const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
    if (!builtin.has(name)) imported.add(name);
  }
}
const peers = rootManifest.peerDependencies ?? {};
const dependencies = {};
const undeclared = [];
for (const name of [...imported].sort()) {
  if (name in peers) continue;
  const version = rootManifest.dependencies?.[name];
  if (version === undefined) undeclared.push(name);
  else dependencies[name] = version;
}
const missingPeers = [...imported].filter((n) => n.startsWith("@pulumi/") && !(n in peers));
if (undeclared.length > 0 || missingPeers.length > 0) {
  throw new Error(`build-package: imported but not declared in package.json dependencies: ${undeclared.join(", ")}; @pulumi packages must be peerDependencies: ${missingPeers.join(", ")}`);
}

const pick = (keys) => Object.fromEntries(keys.filter((k) => rootManifest[k] !== undefined).map((k) => [k, rootManifest[k]]));
const manifest = {
  ...pick(["name", "version", "description", "license", "keywords", "repository", "engines"]),
  ...pick(["main", "types", "exports", "files"]),
  dependencies,
  peerDependencies: peers,
};
fs.writeFileSync(path.join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`out/package: ${walk(out).length} files; dependencies ${Object.keys(dependencies).join(", ")}; peers ${Object.keys(peers).join(", ")}`);
