/** The whole program under Pulumi.dev.yaml: what registers, and that all of it is valid. */
import { MockEngine, valueOf } from "./helpers/mocks";
import { k8sObjects, runProgram, vaultPolicies } from "./helpers/program";
import { emittedTenants, isolationViolations } from "./helpers/isolation";
import { parsePolicy } from "../policies/vault/hcl";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import type * as pulumi from "@pulumi/pulumi";

let engine: MockEngine;
let program: Record<string, unknown>;

beforeAll(async () => {
  ({ engine, program } = await runProgram("dev"));
});

test("registers the main path: KV mount, auth, policy, role, ESO release, ClusterSecretStore", () => {
  const types = engine.resources.map((r) => r.type);
  for (const t of [
    "vault:index/mount:Mount",
    "vault:index/authBackend:AuthBackend",
    "vault:kubernetes/authBackendConfig:AuthBackendConfig",
    "vault:index/policy:Policy",
    "vault:kubernetes/authBackendRole:AuthBackendRole",
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:external-secrets.io/v1:ClusterSecretStore",
  ]) {
    expect(types).toContain(t);
  }
});

test("client-JWT review: no reviewer service account or token, ESO bound to auth-delegator", () => {
  expect(engine.resources.filter((r) => r.name.startsWith("vault-reviewer"))).toHaveLength(0);
  expect(engine.ofType("kubernetes:core/v1:Secret")).toHaveLength(0);
  const config = engine.ofType("vault:kubernetes/authBackendConfig:AuthBackendConfig")[0].inputs;
  expect(config.tokenReviewerJwt).toBeUndefined();
  expect(engine.ofType("kubernetes:helm.sh/v3:Release")[0].inputs.values.systemAuthDelegator).toBe(true);
});

test("the store reaches Vault where ESO can (serverForEso), over the dev mount and scope", () => {
  const store = engine.ofType("kubernetes:external-secrets.io/v1:ClusterSecretStore")[0].inputs;
  expect(store.spec.provider.vault.server).toBe("http://172.18.0.1:8200");
  expect(store.spec.provider.vault.path).toBe("secret");
  expect(store.spec.conditions).toEqual([{ namespaceSelector: { matchLabels: { "vault-eso.io/secrets": "enabled" } } }]);
  const hcl = vaultPolicies(engine.resources).find((p) => p.name === "external-secrets-read")!.policy;
  expect(hcl).toContain('path "secret/data/dev/shared/*"');
});

test("every Kubernetes object validates against the published schemas", async () => {
  const objects = k8sObjects(engine.resources);
  expect(objects.length).toBeGreaterThan(0);
  for (const o of objects) await validateK8sObject(o);
});

test("every Vault policy parses with HashiCorp's HCL parser", async () => {
  const policies = vaultPolicies(engine.resources);
  expect(policies.length).toBeGreaterThan(0);
  for (const p of policies) await parsePolicyHcl(p.name, p.policy);
});

test("exports what a user needs", async () => {
  const get = (k: string) => valueOf(program[k] as pulumi.Output<string>);
  expect(await get("storeName")).toBe("vault-backend");
  expect(await get("kvPath")).toBe("secret");
  expect(await get("esoRole")).toBe("external-secrets");
  expect(await get("esoPolicy")).toBe("external-secrets-read");
  expect(await get("esoNamespace")).toBe("external-secrets");
  expect(program.environment).toBe("dev");
});

test("two isolated tenants with their own policies, roles, stores and auth-delegator bindings (client JWT mode)", () => {
  const policies = engine.ofType("vault:index/policy:Policy").map((p) => p.inputs.name).sort();
  expect(policies).toEqual(["external-secrets-read", "tenant-team-a", "tenant-team-a-push", "tenant-team-b"]);
  const stores = engine.ofType("kubernetes:external-secrets.io/v1:SecretStore").map((s) => s.inputs.metadata.namespace).sort();
  expect(stores).toEqual(["team-a", "team-b"]);
  const delegators = engine.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").map((c) => c.inputs.subjects[0].namespace).sort();
  expect(delegators).toEqual(["team-a", "team-b"]);
  expect(engine.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").map((c) => c.inputs.metadata.name)).toEqual(["namespace-developer"]);
});

test("Vault isolates the tenants as emitted: each role's parsed policies reach its own subtree only (team-a may push there)", async () => {
  const tenants = await emittedTenants(engine, "secret", ["team-a"]);
  expect(tenants.map((t) => t.name).sort()).toEqual(["team-a", "team-b"]);
  expect(isolationViolations("secret", tenants, "vault-secrets")).toEqual([]);
});

test("team-a's PushSecret from the stack file writes under its own subtree through its own store", () => {
  const ps = engine.ofType("kubernetes:external-secrets.io/v1alpha1:PushSecret");
  expect(ps).toHaveLength(1);
  expect(ps[0].inputs.metadata).toMatchObject({ name: "generated-api-key", namespace: "team-a" });
  expect(ps[0].inputs.spec.secretStoreRefs).toEqual([{ name: "vault", kind: "SecretStore" }]);
  expect(ps[0].inputs.spec.data[0].match.remoteRef).toEqual({ remoteKey: "acme/dev/clusters/kind/apps/team-a/generated/api-key", property: "key" });
  expect(engine.ofType("vault:kubernetes/authBackendRole:AuthBackendRole").find((r) => r.inputs.roleName === "tenant-team-a")!.inputs.tokenPolicies).toEqual(["tenant-team-a", "tenant-team-a-push"]);
});

test("hashicorp/vault vault/acl.go AllowOperation list lookup (current and pre-fix) and vault/policy.go parsePaths: the dev isolation proof holds for both Vault generations, and every emitted policy reads without request conditions (the answers are exact, not conservative)", async () => {
  const tenants = await emittedTenants(engine, "secret", ["team-a"]);
  for (const listLookup of ["current", "legacy"] as const) expect(isolationViolations("secret", tenants, "vault-secrets", { listLookup })).toEqual([]);
  for (const p of vaultPolicies(engine.resources)) {
    const parsed = parsePolicy(p.name, p.policy);
    expect(parsed.rules.every((r) => r.conditions === undefined && r.capabilities.length > 0 && !r.capabilities.includes("deny"))).toBe(true);
  }
});
