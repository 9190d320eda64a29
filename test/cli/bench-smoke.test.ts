/**
 * Scale smoke run of `npm run bench` (no floor): the graph depth does not grow
 * with tenants, and evaluation time grows linearly, judged by ratio, never by
 * an absolute time (the machine is shared and noisy).
 */
import { execFile } from "child_process";

interface Row {
  tenants: number;
  program: { resources: number; depth: number; ms: number; cpuMs: number };
}

let rows: Row[];

beforeAll(async () => {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/bench.ts", "--sizes", "25,100", "--no-floor", "--plain-stacks", "--json"],
      { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  rows = JSON.parse(out) as Row[];
}, 60000);

test("graph depth is the same at 25 and 100 tenants, and at most 6", () => {
  const [small, large] = rows;
  expect(large.program.depth).toBe(small.program.depth);
  expect(small.program.depth).toBeLessThanOrEqual(6);
});

test("resources grow by a fixed number per tenant", () => {
  const [small, large] = rows;
  const perTenant = (large.program.resources - small.program.resources) / 75;
  expect(Number.isInteger(perTenant)).toBe(true);
  // 9 per dev tenant: component, namespace, SA, auth-delegator binding, policy, role, store, RoleBinding, ExternalSecret.
  expect(perTenant).toBe(9);
});

test("time grows linearly: 4x the tenants takes well under 4x * 2 the CPU time (slack for a shared machine)", () => {
  const [small, large] = rows;
  // Quadratic growth would give ~16x; linear gives <= 4x (fixed costs make it less).
  // CPU time, not wall time: other jobs on the machine barely move it.
  expect(large.program.cpuMs / small.program.cpuMs).toBeLessThan(8);
  expect(large.program.cpuMs / small.program.cpuMs).toBeGreaterThan(1.5); // it did measure the work
});
