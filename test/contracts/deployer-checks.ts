/**
 * Checks of the deployer policy (policies/vault/deployer.ts) with the project's
 * ACL evaluator (policies/vault/acl.ts), shared by the focused contract tests
 * and the shipped-stack tests (which reuse their files' program runs:
 * test/stack-dev.test.ts, stack-prod.test.ts, stack-token-auth.test.ts).
 */
import { compileAcl, VAULT_DEFAULT_POLICY } from "../../policies/vault/acl";
import { buildDeployerPolicy, DeployedResource, VaultCall } from "../../policies/vault/deployer";
import type { Capability, VaultPolicy } from "../../policies/vault/model";
import { isRootPath, requiredCapability } from "./models/vault-request-acl";

/** Whether the merged `policies` let a token make `call` (its capability, and sudo where needed). */
export function allowsCall(policies: readonly VaultPolicy[], call: VaultCall): boolean {
  if (!call.capability) return true;
  const acl = compileAcl(policies);
  return acl.allows(call.capability, call.path) && (!call.sudo || acl.allows("sudo", call.path));
}

/** Calls `policies` do not allow (empty: sufficient). */
export function deniedCalls(policies: readonly VaultPolicy[], calls: readonly VaultCall[]): VaultCall[] {
  const acl = compileAcl(policies);
  return calls.filter((c) => c.capability && !(acl.allows(c.capability, c.path) && (!c.sudo || acl.allows("sudo", c.path))));
}

/**
 * For every rule and every capability in it: the policy without that one
 * capability (the rule dropped when it was the last) must deny at least one
 * needed call. Returns the (path, capability) pairs nothing needs (empty: minimal).
 */
export function unneededGrants(policy: VaultPolicy, calls: readonly VaultCall[]): Array<{ path: string; capability: Capability }> {
  const out: Array<{ path: string; capability: Capability }> = [];
  policy.rules.forEach((rule, i) => {
    for (const capability of rule.capabilities) {
      const rest = rule.capabilities.filter((c) => c !== capability);
      const rules = policy.rules.flatMap((r, j) => (j !== i ? [r] : rest.length ? [{ path: r.path, capabilities: rest }] : []));
      if (deniedCalls([{ name: policy.name, rules }], calls).length === 0) out.push({ path: rule.path, capability });
    }
  });
  return out;
}

/** Where each modelled call disagrees with Vault's own request -> ACL rules (test/contracts/models/vault-request-acl.ts). */
export function ruleDisagreements(calls: readonly VaultCall[], periodicCreatePaths: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const c of calls) {
    if (!c.capability) continue;
    // A resource's create phase writes an entry that does not exist yet; update/read/delete find it.
    const expected = requiredCapability(c.method, c.path, c.phase !== "create");
    if (expected !== c.capability) out.push(`${c.resource}: ${c.phase} ${c.method} ${c.path} modelled as ${c.capability}, Vault checks ${expected}`);
    // vault/token_store.go handleCreateCommon: a non-zero `period` in the create request needs sudo on its path.
    const periodic = c.phase === "create" && periodicCreatePaths.has(c.path);
    if (c.sudo !== (isRootPath(c.path) || periodic)) out.push(`${c.resource}: ${c.method} ${c.path} sudo=${c.sudo}, Vault root path: ${isRootPath(c.path)}`);
  }
  return out;
}

export interface Probe {
  readonly capability: Capability;
  readonly path: string;
}

/** Requests the deployer of a stack must never be able to make, derived from the names the stack uses. */
export function forbiddenProbes(opts: { kvPath: string; authPath: string; deployerPolicy: string; managedPolicies: readonly string[]; readScope: string; retainedMounts: readonly string[]; managesKvConfig?: boolean; identityGroups?: boolean }): Probe[] {
  const { kvPath, authPath } = opts;
  return [
    { capability: "update", path: "sys/seal" },
    { capability: "sudo", path: "sys/seal" },
    { capability: "update", path: "sys/step-down" },
    { capability: "read", path: "sys/raw/core/mounts" },
    { capability: "update", path: "sys/remount" },
    { capability: "update", path: "sys/mounts/other-kv" },
    { capability: "update", path: "sys/mounts/other-kv/tune" },
    { capability: "read", path: "sys/mounts/other-kv" },
    ...opts.retainedMounts.map((m) => ({ capability: "delete" as const, path: `sys/mounts/${m}` })),
    { capability: "update", path: "sys/mounts/sys" },
    { capability: "update", path: "sys/auth/userpass" },
    { capability: "sudo", path: "sys/auth/userpass" },
    { capability: "update", path: `sys/auth/${authPath}/tune` },
    { capability: "update", path: "sys/mounts/auth/userpass/tune" },
    { capability: "update", path: "auth/userpass/users/admin" },
    { capability: "create", path: `auth/${authPath}/role/not-managed-by-this-stack` },
    { capability: "update", path: `auth/${authPath}/role/not-managed-by-this-stack` },
    { capability: "update", path: "auth/other-k8s/config" },
    { capability: "create", path: "auth/other-k8s/role/external-secrets" },
    { capability: "update", path: "sys/policies/acl/root" },
    { capability: "update", path: `sys/policies/acl/${opts.deployerPolicy}` },
    { capability: "update", path: "sys/policies/acl/admin" },
    { capability: "list", path: "sys/policies/acl" },
    { capability: "update", path: "sys/policy/admin" },
    { capability: "read", path: `${kvPath}/data/${opts.readScope}/db` },
    { capability: "create", path: `${kvPath}/data/${opts.readScope}/db` },
    { capability: "list", path: `${kvPath}/metadata/` },
    { capability: "delete", path: `${kvPath}/metadata/${opts.readScope}/db` },
    // The mount's settings: only when the stack manages them (kv.maxVersions/casRequired/deleteVersionAfter).
    ...(opts.managesKvConfig ? [] : [{ capability: "update" as const, path: `${kvPath}/config` }]),
    { capability: "create", path: "auth/token/roles/other-role" },
    { capability: "update", path: "auth/token/create/other-role" },
    { capability: "sudo", path: "auth/token/create" },
    { capability: "update", path: "auth/token/create-orphan" },
    { capability: "update", path: "auth/token/lookup" },
    { capability: "update", path: "auth/token/revoke-orphan/x" },
    { capability: "list", path: "auth/token/accessors/" },
    { capability: "update", path: "sys/leases/revoke-prefix/auth/token/create" },
    { capability: "update", path: "sys/audit/other-device" },
    { capability: "update", path: "sys/audit-hash/file" },
    { capability: "create", path: "identity/entity" },
    // Tenants' writers need identity/group and identity/group-alias (docs/writers.md: what that lets the deployer do).
    ...(opts.identityGroups ? [] : [{ capability: "update" as const, path: "identity/group" }, { capability: "update" as const, path: "identity/group-alias" }]),
    { capability: "update", path: "identity/entity-alias" },
    { capability: "update", path: "identity/group/name/admins" },
    { capability: "update", path: "sys/config/auditing/request-headers/x" },
    { capability: "update", path: "sys/plugins/catalog/secret/evil" },
    ...opts.managedPolicies.map((p) => ({ capability: "sudo" as const, path: `sys/policies/acl/${p}` })),
  ];
}

/** Probes `policies` grant (empty: everything forbidden is denied). */
export function grantedProbes(policies: readonly VaultPolicy[], probes: readonly Probe[]): Probe[] {
  const acl = compileAcl(policies);
  return probes.filter((p) => acl.allows(p.capability, p.path));
}

/** `auth/token/create/<role>` of every vault.Token whose request carries a non-zero period (read from the inputs, not from the model). */
export function periodicCreatePaths(resources: readonly DeployedResource[]): Set<string> {
  return new Set(
    resources
      .filter((r) => r.type === "vault:index/token:Token" && r.inputs.period !== undefined && !/^0+[smh]?$/.test(String(r.inputs.period)))
      .map((r) => (r.inputs.roleName ? `auth/token/create/${String(r.inputs.roleName)}` : "auth/token/create")),
  );
}

/**
 * Builds the deployer policy of a stack's registrations and runs every check:
 * sufficient for create, read/refresh/import, update and delete; minimal; the
 * forbidden probes denied (also with Vault's `default` policy attached); every
 * capability and sudo as Vault's rules derive them; every Vault resource covered.
 */
export function checkStack(resources: readonly DeployedResource[], kvPath: string, authPath: string, readScope: string) {
  const built = buildDeployerPolicy(resources);
  const managedPolicies = resources.filter((r) => r.type === "vault:index/policy:Policy").map((r) => String(r.inputs.name));
  const retainedMounts = resources.filter((r) => r.type === "vault:index/mount:Mount" && r.retainOnDelete).map((r) => String(r.inputs.path));
  const managesKvConfig = resources.some((r) => r.type === "vault:kv/secretBackendV2:SecretBackendV2");
  const identityGroups = resources.some((r) => r.type === "vault:identity/group:Group");
  const probes = forbiddenProbes({ kvPath, authPath, deployerPolicy: built.policy.name, managedPolicies, readScope, retainedMounts, managesKvConfig, identityGroups });
  const vaultResources = resources.filter((r) => r.type.startsWith("vault:"));
  return {
    built,
    denied: deniedCalls([built.policy], built.calls),
    unneeded: unneededGrants(built.policy, built.calls),
    granted: grantedProbes([built.policy], probes),
    grantedWithDefault: grantedProbes([built.policy, VAULT_DEFAULT_POLICY], probes),
    disagreements: ruleDisagreements(built.calls, periodicCreatePaths(resources)),
    uncovered: vaultResources.filter((r) => !built.calls.some((c) => c.resource === `${r.type} ${r.name}`)).map((r) => `${r.type} ${r.name}`),
    phases: new Set(built.calls.map((c) => c.phase)),
    vaultResources: vaultResources.length,
  };
}
