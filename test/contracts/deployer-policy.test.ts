/**
 * The deployer policy model (policies/vault/deployer.ts) on focused inputs:
 * every resource type the program registers, against Vault's own request
 * rules (test/contracts/models/vault-request-acl.ts) and the ACL evaluator.
 * The shipped stacks are checked in test/stack-{dev,prod,token-auth}.test.ts
 * (test/contracts/deployer-stack.ts), reusing those files' program runs.
 */
import { compileAcl } from "../../policies/vault/acl";
import {
  buildDeployerPolicy,
  DeployedResource,
  deployerCalls,
  deployerPolicy,
  KNOWN_VAULT_TYPES,
  providerCalls,
  vaultCallsFor,
  wildcardRules,
} from "../../policies/vault/deployer";
import { parsePolicyHcl } from "../../policies/vault/hcl";
import { renderCaptured } from "../../scripts/lib/render-files";
import type { Captured } from "../../scripts/lib/capture";
import { allowsCall, deniedCalls, periodicCreatePaths, ruleDisagreements, unneededGrants } from "./deployer-checks";
import { isRootPath, requiredCapability } from "./models/vault-request-acl";
import { tokensDyingWithChildToken } from "./models/vault-token-parent";

import { everyType, provider } from "./vault-every-type";

describe("hashicorp/terraform-provider-vault v5.8.0 resources -> Vault requests -> ACL (hashicorp/vault http/logical.go, request_handling.go CheckToken, logical_system.go PathsSpecial.Root)", () => {
  test("the model knows every Vault resource type the program registers", () => {
    expect([...new Set(everyType.filter((r) => r.type.startsWith("vault:")).map((r) => r.type))].sort()).toEqual([...KNOWN_VAULT_TYPES].sort());
  });

  test("each modelled call's capability and sudo follow Vault's rules (ExistenceCheck -> create, root paths -> sudo, periodic token -> sudo)", () => {
    const calls = deployerCalls(everyType);
    expect(calls.length).toBeGreaterThan(30);
    expect(ruleDisagreements(calls, periodicCreatePaths(everyType))).toEqual([]);
  });

  test("the contract model itself: sys/auth/* and sys/audit need sudo, sys/mounts/* and sys/policies/acl/* do not; roles have an ExistenceCheck, policies do not", () => {
    expect([isRootPath("sys/auth/kubernetes"), isRootPath("sys/auth/kubernetes/tune"), isRootPath("sys/audit"), isRootPath("sys/audit/file")]).toEqual([true, true, true, true]);
    expect([isRootPath("sys/auth"), isRootPath("sys/mounts/auth/kubernetes"), isRootPath("sys/mounts/secret"), isRootPath("sys/policies/acl/x"), isRootPath("auth/token/create/r")]).toEqual([false, false, false, false, false]);
    expect(requiredCapability("PUT", "sys/policies/acl/p", false)).toBe("update");
    expect(requiredCapability("PUT", "auth/kubernetes/role/r", false)).toBe("create");
    expect(requiredCapability("PUT", "auth/token/roles/r", true)).toBe("update");
    expect(requiredCapability("PUT", "auth/kubernetes/config", false)).toBe("update");
  });

  test("a mismatch is caught: a policy write modelled as `create` would disagree (Vault checks `update`: no ExistenceCheck)", () => {
    const calls = vaultCallsFor(everyType[5]).map((c) => (c.method === "PUT" && c.phase === "create" ? { ...c, capability: "create" as const } : c));
    expect(ruleDisagreements(calls)).toEqual([expect.stringMatching(/sys\/policies\/acl\/external-secrets-read modelled as create, Vault checks update/)]);
  });

  test("a Vault resource type the model does not know fails loudly, naming it (never skipped)", () => {
    const unknown: DeployedResource = { type: "vault:index/namespace:Namespace", name: "team-ns", inputs: { path: "team" } };
    expect(() => vaultCallsFor(unknown)).toThrow(/no model of the Vault calls vault:index\/namespace:Namespace \(team-ns\) makes/);
    expect(() => buildDeployerPolicy([...everyType, unknown])).toThrow(/vault:index\/namespace:Namespace/);
    // Non-Vault resources make no Vault calls.
    expect(vaultCallsFor({ type: "kubernetes:core/v1:Namespace", name: "ns", inputs: {} })).toEqual([]);
  });

  test("npm run render reports an unknown Vault type as a problem instead of writing a policy that would be short of privileges", async () => {
    const cap = (r: DeployedResource): Captured => ({ urn: `urn:pulumi:t::p::${r.type}::${r.name}`, type: r.type, name: r.name, custom: true, dependencies: [], inputs: r.inputs, options: {} });
    const out = await renderCaptured([cap(provider), cap({ type: "vault:index/namespace:Namespace", name: "team-ns", inputs: { path: "team" } })], "t");
    expect(out.files.has("vault/deployer-policy.hcl")).toBe(false);
    expect(out.problems).toEqual([expect.objectContaining({ object: "vault/deployer-policy.hcl", problem: expect.stringMatching(/vault:index\/namespace:Namespace/) })]);
  });

  test("sufficient and minimal for one of every type; the HCL parses back to the same rules", async () => {
    const built = buildDeployerPolicy(everyType);
    expect(deniedCalls([built.policy], built.calls)).toEqual([]);
    expect(unneededGrants(built.policy, built.calls)).toEqual([]);
    const parsed = await parsePolicyHcl(built.policy.name, built.hcl);
    expect(parsed.rules).toEqual(built.policy.rules);
  });
});

describe("hashicorp/terraform-provider-vault v5.8.0 vault/resource_identity_group.go, resource_identity_group_alias.go: the writers' identity group", () => {
  test("create writes identity/group and identity/group-alias (update: no ExistenceCheck), reads and deletes by Vault's id (one segment)", () => {
    const of = (i: number) => vaultCallsFor(everyType[i]).map((c) => `${c.phase} ${c.capability} ${c.path}`);
    const group = everyType.findIndex((r) => r.type === "vault:identity/group:Group");
    expect(of(group)).toEqual(
      expect.arrayContaining(["create update identity/group", "create read identity/group/name/tenant-billing-writers", "read read identity/group/id/+", "update update identity/group/id/+", "delete delete identity/group/id/+"]),
    );
    expect(of(group + 1)).toEqual(expect.arrayContaining(["create update identity/group-alias", "read read identity/group-alias/id/+", "delete delete identity/group-alias/id/+"]));
    expect(requiredCapability("PUT", "identity/group", false)).toBe("update");
    expect(requiredCapability("PUT", "identity/group-alias", false)).toBe("update");
    // ids are Vault's: the deployer policy holds them as one-segment wildcards, listed for review.
    expect(wildcardRules(buildDeployerPolicy(everyType).policy).map((r) => r.path)).toEqual(expect.arrayContaining(["identity/group-alias/id/+", "identity/group/id/+"]));
  });
});

describe("hashicorp/terraform-provider-vault internal/provider/meta.go setClient: the provider's own calls", () => {
  test("lookup-self always; the child token (auth/token/create) unless skipChildToken; seal-status needs no ACL", () => {
    const paths = (calls: ReturnType<typeof providerCalls>) => calls.filter((c) => c.capability).map((c) => `${c.capability} ${c.path}`);
    expect(paths(providerCalls(provider))).toEqual(["read auth/token/lookup-self", "update auth/token/create"]);
    expect(paths(providerCalls({ ...provider, inputs: { skipChildToken: "true" } }))).toEqual(["read auth/token/lookup-self"]);
    expect(paths(providerCalls({ ...provider, inputs: { skipChildToken: true } }))).toEqual(["read auth/token/lookup-self"]);
    expect(paths(providerCalls({ ...provider, inputs: {} }, { skipChildToken: true }))).toEqual(["read auth/token/lookup-self"]);
    expect(providerCalls(provider).find((c) => c.path === "sys/seal-status")?.capability).toBeUndefined();
  });
});

describe("per resource: what Vault sees (hashicorp/terraform-provider-vault v5.8.0)", () => {
  const only = (r: DeployedResource) => deployerPolicy(vaultCallsFor(r), "d");
  const rules = (r: DeployedResource) => Object.fromEntries(only(r).rules.map((x) => [x.path, x.capabilities]));

  test("vault/resource_mount.go: retainOnDelete removes the unmount; without it the deployer may unmount exactly that path", () => {
    const kv = everyType[1];
    expect(rules(kv)).toEqual({ "sys/mounts/secret": ["read", "update"], "sys/mounts/secret/tune": ["update"] });
    expect(rules({ ...kv, retainOnDelete: false })["sys/mounts/secret"]).toEqual(["read", "update", "delete"]);
  });

  test("vault/resource_auth_backend.go + api sys_auth.go GetAuthWithContext: enable/disable need sudo on sys/auth/<path>; reads and tune go through sys/mounts/auth/<path> without sudo", () => {
    expect(rules(everyType[2])).toEqual({
      "sys/auth/kubernetes": ["update", "delete", "sudo"],
      "sys/mounts/auth/kubernetes": ["read"],
      "sys/mounts/auth/kubernetes/tune": ["read", "update"],
    });
  });

  test("vault/resource_kubernetes_auth_backend_config.go: Delete sends nothing, so no delete on auth/<mount>/config", () => {
    expect(rules(everyType[3])).toEqual({ "auth/kubernetes/config": ["read", "update"] });
  });

  test("vault/resource_policy.go + vault/logical_system_paths.go policies/acl: writes are `update` (no ExistenceCheck), never `create`", () => {
    expect(rules(everyType[5])).toEqual({ "sys/policies/acl/external-secrets-read": ["read", "update", "delete"] });
  });

  test("vault/resource_audit.go: no Update (ForceNew); enable, list and disable all need sudo", () => {
    expect(rules(everyType[8])).toEqual({ "sys/audit": ["read", "sudo"], "sys/audit/file": ["update", "delete", "sudo"] });
    expect(vaultCallsFor(everyType[8]).filter((c) => c.phase === "update")).toEqual([]);
  });

  test("vault/resource_token.go + vault/token_store.go handleCreateCommon: a periodic token needs sudo on auth/token/create/<role>; without sudo the create is refused", () => {
    const tok = everyType[7];
    const policy = only(tok);
    const create = vaultCallsFor(tok).find((c) => c.phase === "create" && c.path.startsWith("auth/token/create"))!;
    expect(create).toMatchObject({ path: "auth/token/create/external-secrets-token", capability: "update", sudo: true });
    expect(allowsCall([policy], create)).toBe(true);
    const noSudo = { ...policy, rules: policy.rules.map((r) => ({ ...r, capabilities: r.capabilities.filter((c) => c !== "sudo") })) };
    expect(allowsCall([noSudo], create)).toBe(false);
    // Without a period, no sudo.
    expect(only({ ...tok, inputs: { ...tok.inputs, period: undefined } }).rules.find((r) => r.path === "auth/token/create/external-secrets-token")!.capabilities).toEqual(["update"]);
    // Without a role: auth/token/create; no_parent needs sudo there too.
    expect(only({ ...tok, inputs: { policies: ["a"], noParent: true } }).rules.find((r) => r.path === "auth/token/create")!.capabilities).toEqual(["update", "sudo"]);
    // Renewal on read only with renew_min_lease.
    expect(vaultCallsFor({ ...tok, inputs: { ...tok.inputs, renewMinLease: 3600 } }).some((c) => c.path === "auth/token/renew")).toBe(true);
    expect(vaultCallsFor(tok).some((c) => c.path === "auth/token/renew")).toBe(false);
  });

  test("a name unknown at render time becomes one `+` segment (reported for review), never a `*`", () => {
    const role: DeployedResource = { ...everyType[4], inputs: { backend: "kubernetes", roleName: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } };
    const policy = only(role);
    expect(wildcardRules(policy).map((r) => r.path)).toEqual(["auth/kubernetes/role/+"]);
    const acl = compileAcl([policy]);
    expect(acl.allows("create", "auth/kubernetes/role/any")).toBe(true);
    expect(acl.allows("create", "auth/kubernetes/role/any/extra")).toBe(false);
    expect(acl.allows("update", "auth/kubernetes/config")).toBe(false);
  });

  test("a name that would widen the path is refused", () => {
    expect(() => vaultCallsFor({ ...everyType[5], inputs: { name: "team-*" } })).toThrow(/cannot be an exact Vault ACL path segment/);
  });

  test("the deployer policy may not share a name with a policy the stack writes (it could rewrite its own privileges)", () => {
    expect(() => buildDeployerPolicy(everyType, "external-secrets-read")).toThrow(/could rewrite its own privileges/);
  });
});

describe("hashicorp/terraform-provider-vault meta.go createChildToken + hashicorp/vault expiration.go revokeEntry/revokeTree: a vault.Token must not be a child of the provider's 20-minute token", () => {
  const role = everyType[6];
  const token = everyType[7];
  test("an orphan token role (or no_parent) keeps the token alive; otherwise it dies with the provider's child token", () => {
    expect(tokensDyingWithChildToken([provider, role, token])).toEqual([]);
    expect(tokensDyingWithChildToken([provider, { ...role, inputs: { ...role.inputs, orphan: false } }, token])).toEqual(["tok"]);
    expect(tokensDyingWithChildToken([{ ...provider, inputs: { skipChildToken: "true" } }, { ...role, inputs: { ...role.inputs, orphan: false } }, token])).toEqual([]);
  });
});

test("terraform-provider-vault resource_kv_secret_backend_v2.go: <mount>/config is written (update: path_config.go has no ExistenceCheck) and read back; Delete sends nothing", () => {
  const calls = deployerCalls([provider, everyType.find((r) => r.name === "kvcfg")!]).filter((c) => c.resource.startsWith("vault:kv/"));
  expect(calls.map((c) => `${c.phase} ${c.method} ${c.path} ${c.capability}`)).toEqual([
    "create PUT secret/config update",
    "create GET secret/config read",
    "read GET secret/config read",
    "update PUT secret/config update",
    "update GET secret/config read",
  ]);
});
