/**
 * `npm run bench -- --help` prints the options (BENCH_USAGE).
 * `npm run bench [-- --sizes 10,100,1000] [--base dev] [--repeat N] [--no-floor] [--plain-stacks] [--typed-floor] [--node-arg FLAG]... [--json]`
 *
 * For each size: a generated stack (the base stack file with that many
 * tenants) evaluated in a fresh process (index.ts under the mock engine, as
 * `npm run render` does), then, in another fresh process on the same mocks,
 * the floor: the same registrations as bare custom resources. Reports wall
 * time and peak RSS of each, resources, graph depth and the ratio to the floor.
 * `--plain-stacks`: V8's stack formatting instead of ts-node's source maps (as a
 * precompiled program runs); default: as `pulumi up` runs a TypeScript program.
 * `--repeat N`: N runs of each (program and floor alternating), the one with least CPU time kept
 * (the least disturbed by other load). `--node-arg FLAG`: passed to node in both
 * children (e.g. `--stack-trace-limit=3`, as Pulumi.yaml `runtime.options.nodeargs` would).
 * `--typed-floor`: the floor made with the program's typed SDK classes (`k8s.core.v1.Namespace`, `vault.Policy`, ...)
 * instead of bare `CustomResource`s: what is left of the ratio is the program's own structure.
 * `--tenant-files`: the generated tenants as files named by `vault-eso:tenantFiles` (the config
 * holds only the pattern), read and validated by the program inside the clock.
 * `--tenant-stack`: each size as one tenant stack (docs/sharding.md) on the base stack as its
 * platform (bench-child.ts `shard`; the platform's contract computed outside the clock), no floor.
 * `--json` prints one JSON array (used by the smoke test); otherwise a table.
 * `--engine`: the program as `pulumi preview` runs it, under the real runtime and a stand-in engine
 * (scripts/bench-engine.ts), with and without type checking, next to the floor through the same runtime.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BENCH_USAGE, parseBenchArgs } from "./lib/bench-args";
import { existingStackFile as stackFilePath } from "./lib/stack-file";

export interface Measurement {
  mode: "program" | "floor" | "floor-typed" | "shard";
  resources: number;
  depth?: number;
  ms: number;
  cpuMs: number;
  peakRssMiB: number;
  baselineRssMiB: number;
}

export interface Row {
  tenants: number;
  program: Measurement;
  floor?: Measurement;
}

function child(args: string[], plainStacks: boolean, nodeArgs: string[], extraEnv: Record<string, string> = {}): Measurement {
  const out = execFileSync(process.execPath, [...nodeArgs, "-r", "ts-node/register/transpile-only", path.join(__dirname, "bench-child.ts"), ...args], {
    encoding: "utf8",
    env: { ...process.env, BENCH_PLAIN_STACKS: plainStacks ? "1" : "0", ...extraEnv },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as Measurement;
}

function main(): void {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (parsed === "help") {
    process.stdout.write(BENCH_USAGE);
    return;
  }
  if ("problem" in parsed) {
    process.stderr.write(`bench: ${parsed.problem}\n${BENCH_USAGE}`);
    process.exit(2);
  }
  const { sizes, base, floor, json, plain, typedFloor, tenantStack, tenantFiles, repeat, nodeArgs } = parsed;
  try {
    stackFilePath(base); // an unknown base stack fails here, before the first run, listing the stack files that exist
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const fastest = (a: Measurement | undefined, b: Measurement) => (a === undefined || b.cpuMs < a.cpuMs ? b : a);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-bench-"));
  const rows: Row[] = [];
  try {
    for (const n of sizes) {
      const regs = path.join(tmp, `registrations-${n}.json`);
      let program: Measurement | undefined;
      let floorRun: Measurement | undefined;
      for (let k = 0; k < repeat; k++) {
        program = fastest(program, child(tenantStack ? ["shard", base, String(n)] : ["program", base, String(n), regs], plain, nodeArgs, tenantFiles ? { BENCH_TENANT_FILES: path.join(tmp, `tenants-${n}`) } : {}));
        if (floor && !tenantStack) floorRun = fastest(floorRun, child([typedFloor ? "floor-typed" : "floor", regs], plain, nodeArgs));
      }
      rows.push({ tenants: n, program: program!, floor: floorRun });
      if (!json) process.stderr.write(`${n} tenants done\n`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  const how = plain ? "plain V8 stack traces (--plain-stacks)" : "ts-node with source maps, as `pulumi up` runs a TypeScript program";
  const floorKind = typedFloor ? "typed floor (--typed-floor: the program's typed SDK classes, no components)" : "bare floor";
  const flags = nodeArgs.length ? `; node ${nodeArgs.join(" ")}` : "";
  process.stdout.write(`${machineNotes()}\nbase stack: ${base}; runtime: ${how}${flags}; ${floorKind}; fastest of ${repeat}\n\n${table(rows)}\n`);
}

export function machineNotes(): string {
  const cpu = fs.existsSync("/proc/cpuinfo") ? /model name\s*:\s*(.+)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] : os.cpus()[0]?.model;
  return `machine: ${os.cpus().length} CPUs (nproc), ${cpu ?? "unknown CPU"}, node ${process.version}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`;
}

function table(rows: Row[]): string {
  const head =
    "| tenants | resources | depth | program wall ms | floor wall ms | wall ratio | program CPU ms | floor CPU ms | CPU ratio | program peak RSS MiB | floor peak RSS MiB | CPU ms per resource |";
  const sep = "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
  const lines = rows.map((r) =>
    [
      r.tenants,
      r.program.resources,
      r.program.depth,
      r.program.ms,
      r.floor?.ms ?? "-",
      r.floor ? (r.program.ms / r.floor.ms).toFixed(2) : "-",
      r.program.cpuMs,
      r.floor?.cpuMs ?? "-",
      r.floor ? (r.program.cpuMs / r.floor.cpuMs).toFixed(2) : "-",
      r.program.peakRssMiB,
      r.floor?.peakRssMiB ?? "-",
      (r.program.cpuMs / r.program.resources).toFixed(2),
    ].join(" | "),
  );
  return [head, sep, ...lines.map((l) => `| ${l} |`)].join("\n");
}

if (require.main === module) {
  if (process.argv.includes("--engine")) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("./bench-engine") as typeof import("./bench-engine")).benchEngine(process.argv.slice(2)).catch((e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
  } else main();
}
