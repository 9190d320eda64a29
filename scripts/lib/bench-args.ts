/** `npm run bench`'s command line (scripts/bench.ts). Pure. */

export const BENCH_USAGE = `usage: npm run bench [-- OPTIONS]
Evaluates generated stacks (the base stack file with N tenants) under the mock engine and compares each
with the floor (the same registrations made bare). Takes about two minutes with the default sizes.
  --sizes N,N,...    tenant counts (default 10,100,1000)
  --base STACK       base stack: dev, prod or a path to Pulumi.<stack>.yaml (default dev)
  --repeat N         runs of each, the one with least CPU time kept (default 1)
  --no-floor         skip the floor runs
  --typed-floor      floor made with the program's typed SDK classes
  --plain-stacks     V8's stack formatting instead of ts-node's source maps
  --node-arg FLAG    passed to node in both children (repeatable)
  --tenant-files     the generated tenants as files named by vault-eso:tenantFiles (docs/sharding.md)
  --tenant-stack     each size as one tenant stack on the base stack as its platform (no floor)
  --engine           under the real Pulumi runtime and a stand-in engine (docs/verification-runtime.md)
  --json             one JSON array instead of a table
  -h, --help         this text
`;

export interface BenchArgs {
  readonly sizes: number[];
  readonly base: string;
  readonly floor: boolean;
  readonly json: boolean;
  readonly plain: boolean;
  readonly typedFloor: boolean;
  readonly tenantStack: boolean;
  readonly tenantFiles: boolean;
  readonly repeat: number;
  readonly nodeArgs: string[];
}

/** The command line, or `"help"`, or a problem to print with the usage; nothing runs on a bad or unknown option. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs | "help" | { problem: string } {
  const withValue = new Set(["--sizes", "--base", "--repeat", "--node-arg"]);
  const flags = new Set(["--no-floor", "--json", "--plain-stacks", "--typed-floor", "--tenant-stack", "--tenant-files", "--engine"]);
  const values = new Map<string, string>();
  const nodeArgs: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return "help";
    if (withValue.has(a)) {
      const v = argv[++i];
      if (v === undefined) return { problem: `${a} needs a value` };
      if (a === "--node-arg") nodeArgs.push(v);
      else values.set(a, v);
    } else if (flags.has(a)) seen.add(a);
    else return { problem: a.startsWith("-") ? `unknown option ${a}` : `unexpected argument ${a} (the base stack is --base ${a})` };
  }
  const sizes = (values.get("--sizes") ?? "10,100,1000").split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 0)) return { problem: `--sizes takes whole numbers separated by commas, not ${values.get("--sizes")}` };
  const repeat = Number(values.get("--repeat") ?? "1");
  if (!Number.isInteger(repeat) || repeat < 1) return { problem: `--repeat takes a whole number of at least 1, not ${values.get("--repeat")}` };
  return {
    sizes,
    base: values.get("--base") ?? "dev",
    floor: !seen.has("--no-floor"),
    json: seen.has("--json"),
    plain: seen.has("--plain-stacks"),
    typedFloor: seen.has("--typed-floor"),
    tenantStack: seen.has("--tenant-stack"),
    tenantFiles: seen.has("--tenant-files"),
    repeat,
    nodeArgs,
  };
}
