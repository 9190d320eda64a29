/**
 * The Vault policies of the CI identities that change nothing (policies/vault/ci-policies.ts): the
 * preview (pull requests and the pre-deploy plan) and drift (refreshed preview). Built from the
 * deployer's per-resource call model (hashicorp/terraform-provider-vault v5.8.0, policies/vault/deployer.ts)
 * and proven with the project's ACL evaluator (policies/vault/acl.ts, hashicorp/vault vault/acl.go).
 * The shipped stacks' rendered files are checked in test/cli/render.test.ts.
 */
import { compileAcl, VAULT_DEFAULT_POLICY } from "../policies/vault/acl";
import { buildReadOnlyPolicy, deepVerifyCalls, readOnlyCalls, refreshOnlyCalls } from "../policies/vault/ci-policies";
import { buildDeployerPolicy, deployerCalls, VaultCall } from "../policies/vault/deployer";
import { parsePolicyHcl } from "../policies/vault/hcl";
import { CAPABILITIES } from "../policies/vault/model";
import { deniedCalls, unneededGrants } from "./contracts/deployer-checks";
import { everyType, provider } from "./contracts/vault-every-type";

const preview = buildReadOnlyPolicy(everyType, "preview");
const drift = buildReadOnlyPolicy(everyType, "drift");
const all = deployerCalls(everyType);
const writes = (c: VaultCall) => c.capability === "create" || c.capability === "update" || c.capability === "delete";
const key = (c: VaultCall) => `${c.phase} ${c.method} ${c.path} ${c.capability}${c.sudo ? "+sudo" : ""}`;

describe("the preview identity (pulumi preview, no --refresh): reads only", () => {
  test("every rule grants `read` and nothing else: no create, update, delete, list, patch or sudo anywhere", () => {
    expect(preview.policy.rules.length).toBeGreaterThan(5);
    expect(preview.policy.rules.filter((r) => r.capabilities.join() !== "read")).toEqual([]);
  });

  test("sufficient: allows the provider's start-up (lookup-self, no child token) and every plain read of every resource type", () => {
    const reads = all.filter((c) => (c.phase === "read" && c.capability === "read" && !c.sudo) || (c.phase === "startup" && c.capability === "read"));
    expect(reads.length).toBeGreaterThan(10);
    expect(deniedCalls([preview.policy], reads).map(key)).toEqual([]);
    expect(deniedCalls([preview.policy], preview.calls).map(key)).toEqual([]);
    expect(preview.calls.filter((c) => c.phase === "startup" && c.capability).map((c) => `${c.capability} ${c.path}`)).toEqual(["read auth/token/lookup-self"]);
  });

  test("denies every write the deployer makes (create, update, delete phases), every sudo call, the child token and orphan tokens, also with Vault's default policy", () => {
    const refused = all.filter((c) => writes(c) || c.sudo);
    expect(refused.length).toBeGreaterThan(15);
    for (const policies of [[preview.policy], [preview.policy, VAULT_DEFAULT_POLICY]]) {
      const acl = compileAcl(policies);
      const allowed = refused.filter((c) => acl.allows(c.capability!, c.path) && (!c.sudo || acl.allows("sudo", c.path)));
      expect(allowed.map(key)).toEqual([]);
      for (const path of ["auth/token/create", "auth/token/create-orphan", "auth/token/create/external-secrets-token", "sys/policies/acl/external-secrets-read", "sys/audit/file"]) {
        for (const cap of ["create", "update", "delete", "sudo"] as const) expect(`${cap} ${path}: ${acl.allows(cap, path)}`).toBe(`${cap} ${path}: false`);
      }
    }
  });

  test("minimal: dropping any capability of it denies a call the preview makes", () => {
    expect(unneededGrants(preview.policy, preview.calls)).toEqual([]);
  });

  test("the HCL it renders parses back to the same rules", async () => {
    expect((await parsePolicyHcl("p", preview.hcl)).rules).toEqual(preview.policy.rules);
  });
});

describe("the drift identity (pulumi preview --refresh): every read of the refresh, nothing that writes Vault's objects", () => {
  test("adds exactly the refresh-only reads to the preview's (lookup-accessor, sys/audit with sudo) and the reads of verify --deep --no-logins", () => {
    expect(refreshOnlyCalls(everyType).map((c) => `${c.capability}${c.sudo ? "+sudo" : ""} ${c.path}`)).toEqual([
      "read+sudo sys/audit",
      "update auth/token/lookup-accessor",
      "read+sudo sys/audit",
      "list auth/kubernetes/role/",
    ]);
    const extra = drift.policy.rules.filter((r) => !preview.policy.rules.some((p) => p.path === r.path && p.capabilities.join() === r.capabilities.join()));
    expect(extra).toEqual([
      { path: "auth/kubernetes/role/", capabilities: ["list"] },
      { path: "auth/kubernetes/role/+", capabilities: ["read"] },
      { path: "auth/token/lookup-accessor", capabilities: ["update"] },
      { path: "sys/audit", capabilities: ["read", "sudo"] },
      { path: "sys/policy/default", capabilities: ["read"] },
    ]);
  });

  test("verify --deep (what refresh cannot see) is allowed its reads: the default policy, the auth config, the roles (list, read), the audit table", () => {
    const deep = deepVerifyCalls(everyType);
    expect(deep.map((c) => `${c.capability} ${c.path}`)).toEqual(["read sys/policy/default", "read sys/audit", "read auth/kubernetes/config", "list auth/kubernetes/role/", "read auth/kubernetes/role/+"]);
    expect(deniedCalls([drift.policy], deep).map(key)).toEqual([]);
    expect(compileAcl([drift.policy]).allows("read", "auth/kubernetes/role/team-a")).toBe(true);
    expect(deniedCalls([preview.policy], deep).length).toBeGreaterThan(0);
  });

  test("sufficient for start-up and the whole read phase; minimal", () => {
    const reads = all.filter((c) => c.phase === "read" || (c.phase === "startup" && c.capability === "read"));
    expect(deniedCalls([drift.policy], reads).map(key)).toEqual([]);
    expect(unneededGrants(drift.policy, drift.calls)).toEqual([]);
  });

  test("denies every create and delete, every update but the accessor lookup, and sudo but on the audit list", () => {
    const acl = compileAcl([drift.policy]);
    const allowed = all.filter((c) => writes(c) && c.path !== "auth/token/lookup-accessor").filter((c) => acl.allows(c.capability!, c.path));
    expect(allowed.map(key)).toEqual([]);
    for (const r of drift.policy.rules) {
      for (const cap of CAPABILITIES) {
        if (!r.capabilities.includes(cap)) continue;
        const ok = cap === "read" || (cap === "update" && r.path === "auth/token/lookup-accessor") || (cap === "sudo" && r.path === "sys/audit") || (cap === "list" && r.path === "auth/kubernetes/role/");
        expect(`${cap} ${r.path}: ${ok}`).toBe(`${cap} ${r.path}: true`);
      }
    }
  });
});

test("a provider that sets skipChildToken: false is refused, naming the fix (its start-up would write auth/token/create)", () => {
  const stack = [{ ...provider, inputs: { ...provider.inputs, skipChildToken: "false" } }, ...everyType.slice(1)];
  expect(() => readOnlyCalls(stack, "preview")).toThrow(/provider vault sets skipChildToken to false, so its start-up writes auth\/token\/create \(update\)\. Fix: leave skipChildToken unset; the preview job sets TERRAFORM_VAULT_SKIP_CHILD_TOKEN=true/);
});

test("the read-only policies are not the deployer's: the deployer's writes stay out of them", () => {
  const deployer = buildDeployerPolicy(everyType).policy;
  expect(deployer.rules.some((r) => r.capabilities.some((c) => c !== "read"))).toBe(true);
  expect(preview.policy.rules.length).toBeLessThan(deployer.rules.length);
});
