/** The whole program under Pulumi.dev.yaml: what registers, and that all of it is valid. */
import { MockEngine, valueOf } from "./helpers/mocks";
import { k8sObjects, runProgram, vaultPolicies } from "./helpers/program";
import { emittedRequests, emittedTenants, isolationViolations, requestViolations } from "./helpers/isolation";
import { predictionDrift } from "./helpers/verify-standins";
import { parsePolicy } from "../policies/vault/hcl";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import { deployerPolicyStackTests } from "./contracts/deployer-stack";
import type * as pulumi from "@pulumi/pulumi";
import { applyToVault, registeredVaultNames } from "./contracts/models/apply-program";
import { configuredVaultNames } from "./contracts/models/stack-names";
import { readStackFile } from "./helpers/stack-file";
import { freshServer } from "./contracts/models/vault-server";

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
  // The paths ESO requests for the emitted ExternalSecrets and PushSecrets (external-secrets buildPath), allowed by each tenant's own policies.
  const requests = emittedRequests(engine, tenants);
  expect(requests.flatMap((r) => r.externalSecrets).length).toBeGreaterThan(0);
  expect(requestViolations("secret", requests, (n) => tenants.find((t) => t.name === n)!.policies)).toEqual([]);
});

test("team-a's PushSecret from the stack file writes under its own subtree through its own store", () => {
  const ps = engine.ofType("kubernetes:external-secrets.io/v1alpha1:PushSecret");
  expect(ps).toHaveLength(1);
  expect(ps[0].inputs.metadata).toMatchObject({ name: "generated-api-key", namespace: "team-a" });
  expect(ps[0].inputs.spec.secretStoreRefs).toEqual([{ name: "vault", kind: "SecretStore" }]);
  expect(ps[0].inputs.spec.data[0].match.remoteRef).toEqual({ remoteKey: "acme/dev/clusters/kind/apps/team-a/generated/api-key", property: "key" });
  expect(engine.ofType("vault:kubernetes/authBackendRole:AuthBackendRole").find((r) => r.inputs.roleName === "tenant-team-a")!.inputs.tokenPolicies).toEqual(["tenant-team-a", "tenant-team-a-push"]);
});

deployerPolicyStackTests(
  "dev",
  () => ({ resources: engine.resources.filter((r) => !r.read), kvPath: "secret", authPath: "kubernetes", readScope: "dev/shared" }),
  {
    "auth/token/lookup-self": ["read"],
    "auth/token/create": ["update"],
    // The KV mount is retainOnDelete: the deployer can create, read and tune it, never unmount it.
    "sys/mounts/secret": ["read", "update"],
    "sys/mounts/secret/tune": ["update"],
    "sys/auth/kubernetes": ["update", "delete", "sudo"],
    "sys/mounts/auth/kubernetes": ["read"],
    "sys/mounts/auth/kubernetes/tune": ["read", "update"],
    "auth/kubernetes/config": ["read", "update"],
    "auth/kubernetes/role/tenant-team-a": ["create", "read", "update", "delete"],
    "sys/policies/acl/tenant-team-a-push": ["read", "update", "delete"],
  },
  ["sys/audit", "auth/token/create/external-secrets-token", "auth/token/revoke-accessor"],
);

describe("contract: hashicorp/vault vault/mount.go mountInternal + command/server.go enableDev, pulumi/pulumi step.go ImportStep", () => {
  // `vault server -dev` already has KV v2 at secret/ ("key/value secret storage"): creating a mount there
  // gets 409 "path is already in use at secret/". The dev stack adopts it (Pulumi `import`) instead.
  test("against a fresh `vault server -dev`, every Vault object the dev stack registers is created or adopted, none refused", () => {
    expect(applyToVault(freshServer({ dev: true }), engine.resources)).toEqual([]);
  });

  test("the adopted KV mount is imported by its path and keeps protect and retainOnDelete", () => {
    const kv = engine.ofType("vault:index/mount:Mount");
    expect(kv).toHaveLength(1);
    expect(kv[0]).toMatchObject({ importId: "secret", protect: true, retainOnDelete: true });
    expect(kv[0].inputs).toMatchObject({ path: "secret", type: "kv", options: { version: "2" }, description: "key/value secret storage" });
  });

  test("vault-eso:adopt can name exactly the policies and roles the dev stack registers (managedVaultNames)", () => {
    const { config, secretKeys } = readStackFile("dev");
    expect(configuredVaultNames(config, secretKeys)).toEqual(registeredVaultNames(engine.resources));
  });
});

test("npm run verify predicts Vault's answers from exactly the policies the program writes for dev (scripts/lib/verify/expected.ts)", async () => {
  expect(await predictionDrift(engine, "dev")).toEqual([]);
});

test("hashicorp/vault vault/acl.go AllowOperation list lookup (current and pre-fix) and vault/policy.go parsePaths: the dev isolation proof holds for both Vault generations, and every emitted policy reads without request conditions (the answers are exact, not conservative)", async () => {
  const tenants = await emittedTenants(engine, "secret", ["team-a"]);
  for (const listLookup of ["current", "legacy"] as const) expect(isolationViolations("secret", tenants, "vault-secrets", { listLookup })).toEqual([]);
  for (const p of vaultPolicies(engine.resources)) {
    const parsed = parsePolicy(p.name, p.policy);
    expect(parsed.rules.every((r) => r.conditions === undefined && r.capabilities.length > 0 && !r.capabilities.includes("deny"))).toBe(true);
  }
});
