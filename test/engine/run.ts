/**
 * Drives scripts/engine-run.ts (the stand-in engine, scripts/lib/stand-in-engine.ts) and
 * scripts/capture-child.ts (the mock engine) from jest: both run in child processes under ts-node,
 * as CommonJS, the way the Pulumi runtime loads the program.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import type { EngineRun, EngineRunOptions } from "../../scripts/lib/stand-in-engine";
import type { WireResource } from "../../scripts/lib/wire";

const run = promisify(execFile);
const TS_NODE = ["-r", "ts-node/register/transpile-only"];

export type Scenario = Omit<EngineRunOptions, "projectDir"> & { name: string; projectDir?: string };

/** Runs the scenarios under the stand-in engine, `parallel` at a time, in one helper process. */
export async function engineRuns(scenarios: Scenario[], parallel = 2): Promise<Record<string, EngineRun>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-engine-"));
  try {
    fs.writeFileSync(path.join(dir, "in.json"), JSON.stringify(scenarios));
    await run(process.execPath, [...TS_NODE, "scripts/engine-run.ts", path.join(dir, "in.json"), path.join(dir, "out.json")], {
      env: { ...process.env, NODE_OPTIONS: "", PARALLEL: String(parallel) },
      maxBuffer: 1 << 24,
    });
    return JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as Record<string, EngineRun>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What the mock engine (scripts/lib/capture.ts, as `npm run render` runs it) registers for the same config. */
export async function mockCapture(stack: string, config: Record<string, string>, secretKeys: string[]): Promise<WireResource[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-capture-"));
  try {
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ config, secretKeys }));
    await run(process.execPath, [...TS_NODE, "scripts/capture-child.ts", stack, path.join(dir, "config.json"), path.join(dir, "out.json")], {
      env: { ...process.env, NODE_OPTIONS: "" },
      maxBuffer: 1 << 24,
    });
    return JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as WireResource[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The stand-in engine's registrations in the comparison's shape. */
export function asWire(r: EngineRun): WireResource[] {
  return r.registrations.map(({ inputs, options: { aliases: _aliases, ...options }, ...rest }) => ({
    ...rest,
    wire: inputs,
    options: Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  }));
}

/** Everything the user sees of a run: the engine's diagnostics (what `pulumi preview` prints) and the process's own output. */
export function shown(r: EngineRun, severities = ["INFO", "WARNING", "ERROR"]): string {
  return [...r.logs.filter((l) => severities.includes(l.severity)).map((l) => `${l.severity}: ${l.message}`), r.stdout, r.stderr].join("\n");
}
