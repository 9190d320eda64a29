// npm run package:check: the package as a user gets it. Builds and packs it (`npm pack`), installs the tarball
// into a copy of examples/typescript the way a user would (the consumer's own @pulumi/* packages satisfy the
// peer dependencies), type-checks that project with the Pulumi TypeScript template's tsconfig, and runs it under
// the mock engine: one @pulumi/pulumi on disk and in the process, importing the package registers nothing, the
// program registers what the components should. Needs the npm registry or an npm cache (--prefer-offline).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

if (!process.argv.includes("--no-build")) run(process.execPath, [path.join(root, "scripts/build-package.mjs")], root);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-consumer-"));
try {
  const packed = JSON.parse(run(npm, ["pack", path.join(root, "out/package"), "--json", "--pack-destination", work], root))[0];
  console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes`);
  const consumer = path.join(work, "consumer");
  fs.cpSync(path.join(root, "examples/typescript"), consumer, { recursive: true, filter: (s) => !/node_modules|[/\\]bin$/.test(s) });
  fs.renameSync(path.join(work, packed.filename), path.join(consumer, "vault-eso.tgz"));
  run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], consumer);

  // One SDK on disk: npm ls lists every installed copy of @pulumi/pulumi.
  const copies = run(npm, ["ls", "@pulumi/pulumi", "--all", "--parseable"], consumer).split("\n").filter(Boolean);
  if (new Set(copies).size !== 1) throw new Error(`expected one @pulumi/pulumi, found:\n${copies.join("\n")}`);

  run(path.join(consumer, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], consumer);
  fs.writeFileSync(path.join(consumer, "mock-run.cjs"), mockRun());
  process.stdout.write(run(process.execPath, ["mock-run.cjs"], consumer));
  console.log("package:check ok");
} finally {
  if (!process.argv.includes("--keep")) fs.rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}

// Runs in the consumer project: its own @pulumi/pulumi, the installed vault-eso.
function mockRun() {
  return String.raw`
const assert = require("node:assert/strict");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks({
  newResource(a) {
    registered.push(a.type);
    const state = { ...a.inputs };
    if (a.type === "vault:index/authBackend:AuthBackend") state.accessor = "auth_kubernetes_mock";
    return { id: a.name + "-id", state };
  },
  call(a) { return a.inputs; },
}, "vault-eso-consumer", "check", false);
const settle = () => new Promise((r) => setTimeout(r, 300));
(async () => {
  // The package resolves the consumer's SDK: the same file, hence the same module instance.
  const pkgDir = path.dirname(require.resolve("vault-eso/package.json"));
  assert.equal(require.resolve("@pulumi/pulumi", { paths: [pkgDir] }), require.resolve("@pulumi/pulumi"));
  const lib = require("vault-eso");
  await settle();
  assert.deepEqual(registered, [], "importing vault-eso registered resources");
  assert.ok(lib.VaultBackend.prototype instanceof pulumi.ComponentResource, "VaultBackend is a ComponentResource of the consumer's SDK");
  require("./bin/index.js");
  await settle();
  const types = new Set(registered);
  for (const t of ["vault-eso:index:VaultBackend", "vault-eso:index:EsoInstall", "vault-eso:index:ClusterStore", "vault-eso:index:TenantNamespace",
    "vault:index/mount:Mount", "vault:index/policy:Policy", "kubernetes:helm.sh/v3:Release", "kubernetes:external-secrets.io/v1:ClusterSecretStore",
    "kubernetes:external-secrets.io/v1:SecretStore", "kubernetes:external-secrets.io/v1:ExternalSecret"]) {
    assert.ok(types.has(t), "not registered: " + t);
  }
  console.log("consumer under mocks: " + registered.length + " registrations, one @pulumi/pulumi (" + require.resolve("@pulumi/pulumi") + ")");
})().catch((e) => { console.error(e); process.exit(1); });
`;
}
