/**
 * `node -r ts-node/register/transpile-only scripts/diag/engine-profile.ts <tenants> <out dir> [checked|transpile-only]`
 *
 * CPU profiles (node --cpu-prof, added to nodeargs) of the program and of the bare floor as
 * `pulumi preview` runs them under the stand-in engine, and each profile's self time by where the
 * code lives (package, project folder, node internals, GC). BENCHMARKS.md "Under the real runtime".
 */
import * as fs from "fs";
import * as path from "path";
import { benchStackConfig } from "../lib/bench-config";
import { runUnderEngine } from "../lib/stand-in-engine";
import { isSecretValue } from "../lib/wire";

interface Node { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

function bucket(n: Node): string {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith("node:")) return "node internals";
  const rel = path.relative(process.cwd(), url.replace(/^file:\/\//, ""));
  return rel.split(path.sep)[0] || rel;
}

export function selfTimeBy(p: Profile): Array<[string, number]> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const b = bucket(byId.get(id)!);
    totals.set(b, (totals.get(b) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

const unwrap = (v: unknown): unknown =>
  isSecretValue(v) ? unwrap(v.value) : Array.isArray(v) ? v.map(unwrap) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)])) : v;

async function main(): Promise<void> {
  const [n, out, mode = "transpile-only"] = process.argv.slice(2);
  fs.mkdirSync(out, { recursive: true });
  const { config, secretKeys } = benchStackConfig("dev", Number(n));
  const env: Record<string, string> = mode === "transpile-only" ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {};
  const profile = async (name: string, extra: Partial<Parameters<typeof runUnderEngine>[0]>) => {
    const dir = path.join(out, name);
    fs.rmSync(dir, { recursive: true, force: true });
    const r = await runUnderEngine({ projectDir: process.cwd(), stack: "bench", config, secretKeys, dryRun: true, options: { typescript: true, nodeargs: `--cpu-prof --cpu-prof-dir=${dir}` }, env, ...extra });
    if (r.exitCode !== 0) throw new Error(`${name}: exit ${r.exitCode}\n${r.stderr}`);
    const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))!;
    const by = selfTimeBy(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Profile);
    const total = by.reduce((s, [, ms]) => s + ms, 0);
    process.stdout.write(`\n${name}: ${Math.round(total)} ms sampled, ${r.registrations.length} registrations\n`);
    for (const [b, ms] of by.slice(0, 14)) process.stdout.write(`  ${b.padEnd(34)} ${String(Math.round(ms)).padStart(6)} ms  ${((100 * ms) / total).toFixed(1)}%\n`);
    return r;
  };
  const p = await profile("program", {});
  const floorFile = path.join(out, "floor.json");
  fs.writeFileSync(floorFile, JSON.stringify(p.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => ({ type: r.type, name: r.name, inputs: unwrap(r.inputs) }))));
  await profile("floor", { config: {}, secretKeys: [], main: "scripts/engine-floor.ts", env: { ...env, VAULT_ESO_FLOOR: floorFile } });
}

main().catch((e) => {
  process.stderr.write(`engine-profile: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
