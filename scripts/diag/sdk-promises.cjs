/**
 * Diagnostic preload for the benchmark (not used by the program or tests):
 * counts the promises the Pulumi SDK creates, by the SDK's own context label,
 * and prints the totals to stderr at exit. Every SDK promise goes through
 * `debuggablePromise`, which also stores `new Error().stack` on it.
 *
 *   BENCH_PLAIN_STACKS=1 node -r ts-node/register/transpile-only -r ./scripts/diag/sdk-promises.cjs \
 *     scripts/bench-child.ts program dev 300 /tmp/r.json
 *
 * It wraps the exported function (the SDK calls it through its exports object); it changes nothing else.
 */
const debuggable = require("@pulumi/pulumi/runtime/debuggable");
const original = debuggable.debuggablePromise;
const counts = new Map();
let total = 0;
debuggable.debuggablePromise = function (p, ctx) {
  total++;
  // "resource:<name>[<type>]" contexts: count by type, not by name.
  const text = String(ctx);
  const key = text.startsWith("resource:") ? `resource:[${text.slice(text.indexOf("[") + 1, text.lastIndexOf("]"))}]` : text.replace(/\(.*$/s, "");
  counts.set(key, (counts.get(key) || 0) + 1);
  return original(p, ctx);
};
process.on("exit", () => {
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20);
  process.stderr.write(`SDK promises: ${total}\n${rows.map(([k, v]) => `  ${String(v).padStart(7)}  ${k}`).join("\n")}\n`);
});
