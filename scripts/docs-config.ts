/**
 * `npm run docs:config`: writes docs/configuration.md from the config schema (scripts/lib/config-reference.ts).
 * `npm run docs:config -- --check`: exits 1 when the file differs, writes nothing.
 * A key without a description fails both: add `.describe("...")` next to it in components/<capability>/*-config.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { configReference, undocumentedKeys } from "./lib/config-reference";
import { CONFIG_REFERENCE } from "../components/config/config";

const file = path.join(process.cwd(), CONFIG_REFERENCE);
const missing = undocumentedKeys();
if (missing.length > 0) {
  process.stderr.write(`docs:config: ${missing.length} key(s) without a description; add .describe("...") next to each in components/<capability>/*-config.ts:\n${missing.map((k) => `  - ${k}`).join("\n")}\n`);
  process.exit(1);
}
const text = configReference();
if (process.argv.includes("--check")) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (current !== text) {
    process.stderr.write(`docs:config: ${CONFIG_REFERENCE} is out of date with the config schema. Fix: npm run docs:config\n`);
    process.exit(1);
  }
  process.stdout.write(`${CONFIG_REFERENCE} is up to date\n`);
} else {
  fs.writeFileSync(file, text);
  process.stdout.write(`wrote ${CONFIG_REFERENCE}\n`);
}
