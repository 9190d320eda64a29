/**
 * Issue 15: the scripts' command lines. `npm run bench -- --help` prints the usage instead of starting a
 * two-minute benchmark; an unknown stack name (render, bench, verify all read it through
 * scripts/lib/stack-file.ts) says which stack files exist.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BENCH_USAGE, parseBenchArgs } from "../scripts/lib/bench-args";
import { existingStackFile, listStacks, readStackFile } from "../scripts/lib/stack-file";

describe("npm run bench: arguments", () => {
  test("--help and -h print the usage and start nothing (the real script, one child process)", () => {
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/bench.ts", "--help"], { encoding: "utf8", timeout: 30_000 });
    expect(out).toBe(BENCH_USAGE);
    expect(parseBenchArgs(["-h"])).toBe("help");
    expect(parseBenchArgs(["--sizes", "10", "--help"])).toBe("help");
  });

  test("every option in the usage is accepted, with the defaults when absent", () => {
    expect(parseBenchArgs([])).toEqual({ sizes: [10, 100, 1000], base: "dev", floor: true, json: false, plain: false, typedFloor: false, tenantStack: false, tenantFiles: false, repeat: 1, nodeArgs: [] });
    expect(
      parseBenchArgs(["--sizes", "1,2", "--base", "prod", "--repeat", "3", "--no-floor", "--typed-floor", "--plain-stacks", "--json", "--tenant-stack", "--tenant-files", "--node-arg", "--stack-trace-limit=3", "--node-arg", "--x"]),
    ).toEqual({ sizes: [1, 2], base: "prod", floor: false, json: true, plain: true, typedFloor: true, tenantStack: true, tenantFiles: true, repeat: 3, nodeArgs: ["--stack-trace-limit=3", "--x"] });
    for (const opt of BENCH_USAGE.match(/--[a-z-]+/g)!) expect(parseBenchArgs([opt, "1"])).not.toEqual({ problem: `unknown option ${opt}` });
  });

  test.each([
    [["--size", "10"], "unknown option --size"],
    [["prod"], "--base prod"],
    [["--sizes"], "--sizes needs a value"],
    [["--sizes", "10,x"], "whole numbers"],
    [["--repeat", "0"], "at least 1"],
  ])("%j is refused with a reason instead of running", (argv, words) => {
    const r = parseBenchArgs(argv);
    expect(r).toHaveProperty("problem");
    expect((r as { problem: string }).problem).toContain(words);
  });
});

describe("an unknown stack name says which stack files exist (scripts/lib/stack-file.ts)", () => {
  test("in this project: names Pulumi.dev.yaml and Pulumi.prod.yaml", () => {
    expect(listStacks()).toEqual(expect.arrayContaining(["dev", "prod"]));
    expect(() => readStackFile("staging")).toThrow(/no stack file Pulumi\.staging\.yaml for "staging": the stack files here are .*Pulumi\.dev\.yaml.*Pulumi\.prod\.yaml/);
    expect(() => existingStackFile("prdo")).toThrow(/use .*dev.*prod/);
    expect(existingStackFile("dev")).toBe(path.join(process.cwd(), "Pulumi.dev.yaml"));
  });

  test("in a directory without stack files: says so", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-nostack-"));
    try {
      expect(() => readStackFile("dev", dir)).toThrow(/there is no Pulumi\.<stack>\.yaml in/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
