/**
 * `npm run identity:snapshot [-- --release]`
 *
 * Writes the resource-identity contract of each shipped stack (scripts/lib/identity/shipped.ts)
 * to test/identity/<id>.json: URNs, provider-side identities, digests of replacing and other
 * inputs (scripts/lib/identity/contract.ts). Run it only on purpose: after a change that removes
 * or renames resources on purpose (with aliases where state must survive). `--release` writes the
 * snapshot of this version instead, test/identity/releases/v<version>/<id>.json, which the
 * upgrade test compares every later version with (docs/releases.md). Offline, no credentials.
 */
import * as fs from "fs";
import * as path from "path";
import Module = require("module");
import { snapshotOf } from "./lib/identity/contract";
import { captureShipped, SHIPPED_STACKS } from "./lib/identity/shipped";

// The example imports the package by name: resolve it to this checkout's components (as jest's moduleNameMapper does).
const resolver = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const original = resolver._resolveFilename.bind(resolver);
resolver._resolveFilename = (request: string, ...rest: unknown[]) => original(request === "vault-eso" ? path.resolve("components/index.ts") : request, ...rest);

async function main(): Promise<void> {
  const release = process.argv.includes("--release");
  const version = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string }).version;
  const dir = release ? path.join("test/identity/releases", `v${version}`) : "test/identity";
  fs.mkdirSync(dir, { recursive: true });
  for (const s of SHIPPED_STACKS) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const captured = await captureShipped(s, async () => require(path.resolve("examples/typescript/index.ts")));
    const file = path.join(dir, `${s.id}.json`);
    fs.writeFileSync(file, `${JSON.stringify(snapshotOf(captured, version), null, 1)}\n`);
    process.stdout.write(`${file}: ${captured.length} resources\n`);
  }
}

const fail = (e: unknown) => {
  process.stderr.write(`identity-snapshot: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
};
process.on("unhandledRejection", fail);
main().then(() => process.exit(0), fail);
