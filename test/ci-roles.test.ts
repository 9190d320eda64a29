/**
 * The Vault JWT auth roles of the CI jobs (docs/ci/roles/*.json, instantiated as docs/ci.md says)
 * against the workflows: each job that mints a Vault token, with each trigger, ref and environment
 * it can run under, satisfies its own role and no other; and nothing else (another workflow file,
 * branch, event or environment) satisfies any role but through the reviewed `preview` environment.
 * Claims as GitHub mints them (test/contracts/models/github-oidc.ts), matched as
 * hashicorp/vault-plugin-auth-jwt claims.go does (test/contracts/models/vault-jwt-role.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { compileAcl } from "../policies/vault/acl";
import { buildReadOnlyPolicy, READ_ONLY_POLICY_NAMES } from "../policies/vault/ci-policies";
import { DEFAULT_DEPLOYER_POLICY, deployerCalls } from "../policies/vault/deployer";
import { parsePolicyHcl } from "../policies/vault/hcl";
import { githubClaims, Trigger } from "./contracts/models/github-oidc";
import { durationSeconds, JwtRole, roleAccepts } from "./contracts/models/vault-jwt-role";
import { everyType } from "./contracts/vault-every-type";

const REPOSITORY = "acme/vault-eso";
const REPOSITORY_ID = "812345678";
const ROLES_DIR = "docs/ci/roles";
const WF_DIR = ".github/workflows";
const kinds = fs.readdirSync(ROLES_DIR).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort();
const stacks = fs.readdirSync(".").map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s);
/** Stacks the runners reach (dev's endpoints exist only inside the e2e job): test/workflows.test.ts checks the split. */
const remote = stacks.filter((s) => s !== "dev");

/** A role file as an operator writes it: `envsubst` of REPOSITORY, REPOSITORY_ID and STACK (docs/ci.md). */
function role(kind: string, stack: string): JwtRole {
  const text = fs.readFileSync(path.join(ROLES_DIR, `${kind}.json`), "utf8").replace(/\$\{(REPOSITORY|REPOSITORY_ID|STACK)\}/g, (_, v: string) => ({ REPOSITORY, REPOSITORY_ID, STACK: stack })[v]!);
  if (text.includes("${")) throw new Error(`${kind}.json: a placeholder other than REPOSITORY, REPOSITORY_ID, STACK`);
  return JSON.parse(text) as JwtRole;
}
const roleName = (kind: string, stack: string) => `vault-eso-${kind}-${stack}`;
const allRoles = kinds.flatMap((kind) => remote.map((stack) => ({ name: roleName(kind, stack), kind, stack, role: role(kind, stack) })));

const workflows = fs.readdirSync(WF_DIR).filter((f) => /\.ya?ml$/.test(f)).map((file) => ({ file, wf: parse(fs.readFileSync(path.join(WF_DIR, file), "utf8")) as Record<string, any> }));

/** The triggers a workflow runs under, with the refs GitHub gives them (push filters; schedule: the default branch; dispatch: any branch). */
function triggers(on: Record<string, any>): Trigger[] {
  const out: Trigger[] = [];
  for (const [event, spec] of Object.entries(on)) {
    if (event === "push") for (const b of spec?.branches ?? ["main", "feature"]) out.push({ event, ref: `refs/heads/${b}` });
    else if (event === "pull_request") for (const b of spec?.branches ?? ["main", "feature"]) out.push({ event, ref: "refs/pull/42/merge", baseRef: b });
    else if (event === "schedule") out.push({ event, ref: "refs/heads/main" });
    else if (event === "workflow_dispatch") out.push({ event, ref: "refs/heads/main" }, { event, ref: "refs/heads/feature" });
    else if (event === "workflow_call") continue;
    else throw new Error(`trigger ${event}: add its refs to this test`);
  }
  return out;
}

/** `${{ matrix.stack }}` in a role or audience input, resolved per stack. */
const at = (v: unknown, stack: string) => String(v).replace(/\$\{\{ matrix\.stack \}\}/g, stack);

interface TokenJob {
  readonly where: string;
  readonly file: string;
  readonly job: Record<string, any>;
  readonly stack: string;
  readonly roleName: string;
  readonly audience: string;
  readonly environment?: string;
  readonly triggers: Trigger[];
}

/** Every (job, stack) that uses hashicorp/vault-action. */
const tokenJobs: TokenJob[] = workflows.flatMap(({ file, wf }) =>
  Object.entries<any>(wf.jobs).flatMap(([name, job]) => {
    const step = (job.steps ?? []).find((s: any) => String(s.uses ?? "").startsWith("hashicorp/vault-action@"));
    if (!step) return [];
    const env = typeof job.environment === "string" ? job.environment : job.environment?.name;
    const named = String(step.with.role).includes("${{ matrix.stack }}") ? remote : remote.filter((s) => String(step.with.role).endsWith(`-${s}`));
    // A role this test cannot tie to a stack (e.g. from a variable) still counts, as "?": it matches no role file.
    const jobStacks = named.length > 0 ? named : ["?"];
    return jobStacks.map((stack) => ({ where: `${file} ${name} (${stack})`, file, job, stack, roleName: at(step.with.role, stack), audience: at(step.with.jwtGithubAudience, stack), environment: env, triggers: triggers(wf.on) }));
  }),
);

test("every role file binds repository_id, ref, event_name, environment and job_workflow_ref, with one audience of its own, strings only, no default policy, revocable", () => {
  expect(kinds).toEqual(["deploy", "drift", "plan", "preview"]);
  const audiences = allRoles.flatMap((r) => r.role.bound_audiences ?? []);
  expect(new Set(audiences).size).toBe(allRoles.length);
  for (const { name, kind, role: r } of allRoles) {
    expect(`${name}: ${r.role_type} ${r.user_claim}`).toBe(`${name}: jwt sub`);
    expect(r.bound_audiences).toEqual([name]);
    expect(Object.keys(r.bound_claims ?? {})).toEqual(expect.arrayContaining(["repository_id", "ref", "event_name", "environment", "job_workflow_ref"]));
    for (const [claim, v] of Object.entries(r.bound_claims ?? {})) {
      // GitHub's claims are strings: a number (e.g. repository_id) never equals one under "string" matching (claims.go matchFound).
      for (const x of Array.isArray(v) ? v : [v]) expect(`${name} ${claim}: ${typeof x}`).toBe(`${name} ${claim}: string`);
    }
    expect(r.bound_claims!.repository_id).toBe(REPOSITORY_ID);
    // Exact matching everywhere but the pull-request preview, whose ref carries the PR number.
    expect(`${name}: ${r.bound_claims_type}`).toBe(`${name}: ${kind === "preview" ? "glob" : "string"}`);
    if (r.bound_claims_type === "glob") {
      const globbed = Object.entries(r.bound_claims!).filter(([, v]) => JSON.stringify(v).includes("*"));
      expect(globbed).toEqual([
        ["ref", "refs/pull/*/merge"],
        ["job_workflow_ref", `${REPOSITORY}/.github/workflows/pull-request.yml@refs/pull/*/merge`],
      ]);
    }
    expect(`${name}: ${r.token_no_default_policy} ${r.token_type}`).toBe(`${name}: true service`);
    expect(r.token_ttl).toBe(r.token_max_ttl);
    expect(r.token_policies).toContain("vault-eso-ci-revoke-self");
  }
});

test("each job that mints a Vault token names its role and audience literally, and roles and jobs pair one to one", () => {
  expect(tokenJobs.length).toBeGreaterThan(0);
  for (const j of tokenJobs) {
    expect(`${j.where}: ${j.roleName}`).toMatch(/: vault-eso-(deploy|drift|plan|preview)-[a-z0-9-]+$/);
    expect(`${j.where}: ${j.audience}`).toBe(`${j.where}: ${j.roleName}`);
  }
  expect(tokenJobs.map((j) => j.roleName).sort()).toEqual(allRoles.map((r) => r.name).sort());
});

test("each job, under every trigger, ref and environment it can run with, satisfies its own role and no other; a dispatch from another branch satisfies none", () => {
  expect(tokenJobs.length).toBeGreaterThanOrEqual(4);
  for (const j of tokenJobs) {
    let own = 0;
    for (const trigger of j.triggers) {
      const claims = githubClaims({ repository: REPOSITORY, repositoryId: REPOSITORY_ID, workflowFile: j.file, trigger, environment: j.environment, audience: j.audience });
      const accepted = allRoles.filter((r) => roleAccepts(r.role, claims)).map((r) => r.name);
      const label = `${j.where} on ${trigger.event} ${trigger.ref}`;
      expect(`${label}: ${accepted.join(", ")}`).toBe(`${label}: ${trigger.ref === "refs/heads/feature" ? "" : j.roleName}`);
      if (accepted.length) own++;
    }
    expect(`${j.where}: ${own > 0}`).toBe(`${j.where}: true`);
  }
});

/**
 * What anyone who can push a branch can write: any workflow file (a new one too), any trigger, any
 * environment name, any audience. GitHub creates a named environment on first use, unprotected, so
 * `environment:` alone proves nothing: the roles must pin the workflow file and ref too.
 */
test("no branch, workflow file, event or environment but the intended one satisfies a role; only the preview role is reachable from a pull request, through environment preview", () => {
  const files = [...workflows.map((w) => w.file), "evil.yml"];
  const events = ["push", "pull_request", "pull_request_target", "workflow_dispatch", "schedule", "workflow_run", "release"];
  const refs = ["refs/heads/main", "refs/heads/feature", "refs/pull/7/merge", "refs/tags/v1.0.0"];
  const envs = [undefined, "preview", "drift", ...remote.flatMap((s) => [s, `${s}-plan`]), "staging"];
  const reached = new Map<string, Set<string>>();
  for (const workflowFile of files)
    for (const event of events)
      for (const ref of refs)
        for (const environment of envs)
          for (const r of allRoles) {
            const claims = githubClaims({ repository: REPOSITORY, repositoryId: REPOSITORY_ID, workflowFile, trigger: { event, ref, baseRef: ref.startsWith("refs/pull/") ? "main" : undefined }, environment, audience: r.name });
            if (roleAccepts(r.role, claims)) reached.set(r.name, (reached.get(r.name) ?? new Set()).add(`${workflowFile} ${event} ${ref} ${environment}`));
            // Another repository (a fork's token has its own repository_id) reaches nothing.
            expect(roleAccepts(r.role, { ...claims, repository_id: "999" })).toBe(false);
          }
  const expected: Record<string, string[]> = {};
  for (const s of remote) {
    expected[roleName("deploy", s)] = [`deploy.yml push refs/heads/main ${s}`];
    expected[roleName("plan", s)] = [`deploy.yml push refs/heads/main ${s}-plan`];
    expected[roleName("drift", s)] = ["drift.yml workflow_dispatch refs/heads/main drift", "drift.yml schedule refs/heads/main drift"];
    expected[roleName("preview", s)] = ["pull-request.yml pull_request refs/pull/7/merge preview"];
  }
  expect(Object.fromEntries([...reached].map(([k, v]) => [k, [...v].sort()]))).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v.sort()])));
});

test("token TTLs outlast their job's timeout (and not by more than 15 minutes); the provider's child token outlasts the deploy job; read-only jobs make no child token", () => {
  for (const j of tokenJobs) {
    const found = allRoles.find((x) => x.name === j.roleName);
    expect(`${j.where}: ${j.roleName} ${found ? "has" : "has no"} role file`).toBe(`${j.where}: ${j.roleName} has role file`);
    const r = found!.role;
    const ttl = durationSeconds(r.token_ttl!);
    const timeout = Number(j.job["timeout-minutes"]) * 60;
    expect(`${j.where}: ${ttl > timeout && ttl <= timeout + 900}`).toBe(`${j.where}: true`);
    const kind = /vault-eso-(\w+)-/.exec(j.roleName)![1];
    if (kind === "deploy") {
      expect(Number(j.job.env.TERRAFORM_VAULT_MAX_TTL)).toBeGreaterThan(timeout);
      expect(Number(j.job.env.TERRAFORM_VAULT_MAX_TTL)).toBeLessThanOrEqual(ttl);
    } else {
      expect(`${j.where}: ${j.job.env?.TERRAFORM_VAULT_SKIP_CHILD_TOKEN}`).toBe(`${j.where}: true`);
    }
  }
});

test("each role's policies are the ones npm run render writes for it, plus revoke-self, which allows nothing else", async () => {
  for (const { name, kind, stack, role: r } of allRoles) {
    const main = { deploy: DEFAULT_DEPLOYER_POLICY, plan: READ_ONLY_POLICY_NAMES.preview, preview: READ_ONLY_POLICY_NAMES.preview, drift: READ_ONLY_POLICY_NAMES.drift }[kind];
    expect(`${name}: ${r.token_policies!.join(" ")}`).toBe(`${name}: ${main}-${stack} vault-eso-ci-revoke-self`);
  }
  const revoke = await parsePolicyHcl("vault-eso-ci-revoke-self", fs.readFileSync("docs/ci/policies/revoke-self.hcl", "utf8"));
  expect(revoke.rules).toEqual([{ path: "auth/token/revoke-self", capabilities: ["update"] }]);
  // With it, the preview identity still writes nothing the deployer writes.
  const acl = compileAcl([buildReadOnlyPolicy(everyType, "preview").policy, revoke]);
  const writes = deployerCalls(everyType).filter((c) => c.capability && c.capability !== "read");
  expect(writes.filter((c) => acl.allows(c.capability!, c.path)).map((c) => `${c.capability} ${c.path}`)).toEqual([]);
});
