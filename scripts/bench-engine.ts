/**
 * `npm run bench -- --engine [--sizes 10,100] [--repeat N] [--base dev] [--variants pulumi-yaml,checked,transpile-only] [--typed-floor] [--tenant-files] [--node-arg FLAG]... [--json]`
 *
 * The program as `pulumi preview` runs it: index.ts under the real runtime (cmd/run launched with
 * Pulumi.yaml's runtime options, scripts/lib/stand-in-engine.ts) with a generated stack of N
 * tenants, next to the floor through the same runtime (scripts/engine-floor.ts: the same
 * registrations as bare custom resources). Each run is a fresh process: its whole life counts
 * (node start, ts-node, type checking if on, loading the SDK and providers' SDKs, the program,
 * every gRPC round trip, shutdown), as `pulumi preview` waits for all of it.
 *
 * Variants: `pulumi-yaml` (exactly Pulumi.yaml's options), `checked` (typescript, ts-node type
 * checks: the language host's default), `transpile-only` (typescript with
 * PULUMI_NODEJS_TRANSPILE_ONLY=true: no type checking), optionally with `--node-arg FLAG` added to
 * nodeargs. CPU time (user + system of the program process, all threads) is the measure; wall time
 * is reported but the machine is shared. `--repeat N`: the run with least CPU of N is kept.
 * `--typed-floor`: the floor made with the program's typed SDK classes (scripts/lib/floor.ts).
 * Also reports the largest generated stack PULUMI_CONFIG can carry (scripts/lib/config-cap.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchStackConfig } from "./lib/bench-config";
import { maxTenants, MAX_ARG_STRLEN } from "./lib/config-cap";
import { readProjectFile, RuntimeOptions } from "./lib/language-host";
import { EngineRun, runUnderEngine } from "./lib/stand-in-engine";
import { isSecretValue } from "./lib/wire";

export interface EngineMeasurement {
  resources: number;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

export interface EngineRow {
  tenants: number;
  variant: string;
  program: EngineMeasurement;
  floor: EngineMeasurement;
}

const unwrap = (v: unknown): unknown =>
  isSecretValue(v)
    ? unwrap(v.value)
    : Array.isArray(v)
      ? v.map(unwrap)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]))
        : v;

function measurement(r: EngineRun): EngineMeasurement {
  if (r.exitCode !== 0) throw new Error(`run failed (exit ${r.exitCode}): ${r.logs.filter((l) => l.severity === "ERROR").map((l) => l.message).join("\n")}\n${r.stderr}`);
  return { resources: r.registrations.length, wallMs: r.wallMs, cpuMs: r.cpuMs ?? NaN, peakRssMiB: r.peakRssMiB ?? NaN };
}

function variantOptions(variant: string, yaml: RuntimeOptions, nodeArgs: string[]): { options: RuntimeOptions; env: Record<string, string> } {
  const withArgs = (o: RuntimeOptions): RuntimeOptions => (nodeArgs.length ? { ...o, nodeargs: [o.nodeargs ?? "", ...nodeArgs].join(" ").trim() } : o);
  switch (variant) {
    case "pulumi-yaml":
      return { options: withArgs(yaml), env: {} };
    case "checked":
      return { options: withArgs({ typescript: true }), env: {} };
    case "transpile-only":
      return { options: withArgs({ typescript: true }), env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } };
    default:
      throw new Error(`unknown variant ${variant} (pulumi-yaml, checked, transpile-only)`);
  }
}

export async function benchEngine(argv: string[]): Promise<void> {
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (opt("--sizes") ?? "10,100").split(",").map(Number);
  const base = opt("--base") ?? "dev";
  const repeat = Number(opt("--repeat") ?? "1");
  const variants = (opt("--variants") ?? "pulumi-yaml,checked,transpile-only").split(",");
  const nodeArgs = argv.flatMap((a, i) => (a === "--node-arg" ? [argv[i + 1]] : []));
  const json = argv.includes("--json");
  const typedFloor = argv.includes("--typed-floor");
  // The generated tenants as files (`vault-eso:tenantFiles`): stack config then holds only the pattern, so
  // sizes beyond PULUMI_CONFIG's cap (MAX_ARG_STRLEN) run too.
  const tenantFiles = argv.includes("--tenant-files");
  const projectDir = process.cwd();
  const yaml = readProjectFile(projectDir).options;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-bench-engine-"));
  const rows: EngineRow[] = [];
  const least = (a: EngineMeasurement | undefined, b: EngineMeasurement) => (a === undefined || b.cpuMs < a.cpuMs ? b : a);
  try {
    for (const n of sizes) {
      const { config, secretKeys } = benchStackConfig(base, n, projectDir, tenantFiles ? path.join(tmp, `tenants-${n}`) : undefined);
      for (const variant of variants) {
        const { options, env } = variantOptions(variant, yaml, nodeArgs);
        const floorFile = path.join(tmp, `floor-${n}.json`);
        let program: EngineMeasurement | undefined;
        let floor: EngineMeasurement | undefined;
        for (let k = 0; k < repeat; k++) {
          const p = await runUnderEngine({ projectDir, stack: "bench", config, secretKeys, dryRun: true, options, env });
          program = least(program, measurement(p));
          if (!fs.existsSync(floorFile)) {
            const regs = p.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => ({ type: r.type, name: r.name, inputs: unwrap(r.inputs) }));
            fs.writeFileSync(floorFile, JSON.stringify(regs));
          }
          const f = await runUnderEngine({
            projectDir,
            stack: "bench",
            config: {},
            secretKeys: [],
            dryRun: true,
            options,
            env: { ...env, VAULT_ESO_FLOOR: floorFile, ...(typedFloor ? { VAULT_ESO_FLOOR_TYPED: "1" } : {}) },
            main: "scripts/engine-floor.ts",
          });
          floor = least(floor, measurement(f));
        }
        rows.push({ tenants: n, variant, program: program!, floor: floor! });
        if (!json) process.stderr.write(`${n} tenants, ${variant} done\n`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const cap = maxTenants(base);
  if (json) {
    process.stdout.write(`${JSON.stringify({ rows, configCap: cap })}\n`);
    return;
  }
  const head = "| tenants | runtime | resources | program CPU ms | floor CPU ms | CPU ratio | program wall ms | floor wall ms | program peak RSS MiB | floor peak RSS MiB |";
  const sep = "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  const lines = rows.map((r) =>
    `| ${[r.tenants, r.variant, r.program.resources, r.program.cpuMs, r.floor.cpuMs, (r.program.cpuMs / r.floor.cpuMs).toFixed(2), r.program.wallMs, r.floor.wallMs, r.program.peakRssMiB, r.floor.peakRssMiB].join(" | ")} |`,
  );
  const flags = nodeArgs.length ? `; extra nodeargs ${nodeArgs.join(" ")}` : "";
  process.stdout.write(
    [
      `base stack: ${base}; pulumi preview under the stand-in engine; Pulumi.yaml options ${JSON.stringify(yaml)}${flags}; ${typedFloor ? "typed" : "bare"} floor; least CPU of ${repeat}`,
      "",
      head,
      sep,
      ...lines,
      "",
      `PULUMI_CONFIG cap (MAX_ARG_STRLEN ${MAX_ARG_STRLEN} bytes incl. NUL): ${cap.tenants} generated tenants (${cap.bytes} bytes; ${cap.tenants + 1} tenants: ${cap.nextBytes} bytes, E2BIG)`,
      "",
    ].join("\n"),
  );
}
