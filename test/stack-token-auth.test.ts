/**
 * The whole program with token auth enabled (the prod stack file plus
 * `vault-eso:tokenAuth`): the ClusterSecretStore reads the renewer's Secret
 * instead of logging in with Kubernetes auth; everything validates.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { installMocks, MockEngine, valueOf } from "./helpers/mocks";
import { k8sObjects, vaultPolicies } from "./helpers/program";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import { flattenConfig } from "./helpers/stack-file";
import { revealSecrets } from "./helpers/reveal";
import { deployerPolicyStackTests } from "./contracts/deployer-stack";
import { tokensDyingWithChildToken } from "./contracts/models/vault-token-parent";
import { applyToVault, registeredVaultNames } from "./contracts/models/apply-program";
import { configuredVaultNames } from "./contracts/models/stack-names";
import { freshServer } from "./contracts/models/vault-server";
import { compileAcl } from "../policies/vault/acl";
import { parsePolicy } from "../policies/vault/hcl";
import { configWrite, dataWrite, defaultKvConfig, esoPushWrite, providerConfigWrite, versionsKept } from "./contracts/models/vault-kv";

let engine: MockEngine;
let program: Record<string, unknown>;

beforeAll(async () => {
  engine = installMocks("tokenauth");
  const doc = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, unknown> };
  doc.config["vault-eso:tokenAuth"] = { enabled: true, period: "7d", explicitMaxTtl: "30d", rotateBefore: "7d", schedule: "0 */12 * * *" };
  // The KV mount's settings (docs/operations.md): checked against Vault's and ESO's source below.
  doc.config["vault-eso:kv"] = { ...(doc.config["vault-eso:kv"] as object), maxVersions: 20, casRequired: true, deleteVersionAfter: "90d" };
  const { config, secretKeys } = flattenConfig(doc.config);
  pulumi.runtime.setAllConfig(config, secretKeys);
  program = (await import("../index.js")) as Record<string, unknown>;
  await engine.settle();
});

test("the ClusterSecretStore authenticates with the renewer's Secret, not Kubernetes auth", () => {
  const stores = engine.ofType("kubernetes:external-secrets.io/v1:ClusterSecretStore");
  expect(stores).toHaveLength(1);
  const vault = stores[0].inputs.spec.provider.vault;
  expect(vault.auth).toEqual({ tokenSecretRef: { name: "vault-token", key: "token", namespace: "external-secrets-credentials" } });
  expect(vault.server).toBe("https://vault.example.com:8200");
});

test("the token carries the ESO read policy (same scope as Kubernetes auth) plus the renewer policy", () => {
  const role = engine.ofType("vault:tokenauth/authBackendRole:AuthBackendRole")[0].inputs;
  expect(role.allowedPolicies).toEqual(["external-secrets-read", "external-secrets-token-renewer"]);
  const read = vaultPolicies(engine.resources).find((p) => p.name === "external-secrets-read")!;
  expect(read.policy).toContain('path "secret/data/acme/prod/clusters/prod-1/shared/*"');
});

test("the renewer reaches Vault as ESO does, trusting the configured CA", () => {
  const cron = engine.ofType("kubernetes:batch/v1:CronJob")[0].inputs;
  const env = Object.fromEntries(cron.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
  expect(env.VAULT_ADDR).toBe("https://vault.example.com:8200");
  expect(env.VAULT_CACERT).toBe("/opt/vault-eso/vault-ca.crt");
  const cm = engine.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.inputs.metadata.name === "vault-token-renewer")!;
  expect(cm.inputs.data["vault-ca.crt"]).toContain("BEGIN CERTIFICATE");
});

test("every Kubernetes object validates; every Vault policy parses", async () => {
  const objects = k8sObjects(engine.resources);
  for (const o of objects) await validateK8sObject(revealSecrets(o));
  const policies = vaultPolicies(engine.resources);
  expect(policies.map((p) => p.name)).toContain("external-secrets-token-renewer");
  for (const p of policies) await parsePolicyHcl(p.name, p.policy);
});

test("exports where the token lives and what renews it", async () => {
  const out = program.tokenAuth as { secret: pulumi.Output<string>; cronJob: pulumi.Output<string>; role: pulumi.Output<string> };
  expect(await valueOf(out.secret)).toBe("external-secrets-credentials/vault-token");
  expect(await valueOf(out.cronJob)).toBe("vault-token-renewer");
  expect(await valueOf(out.role)).toBe("external-secrets-token");
});

test("the renewer's token outlives `pulumi up`: it is an orphan, not a child of the provider's 20-minute token (terraform-provider-vault meta.go createChildToken; vault expiration.go revokeEntry)", () => {
  expect(engine.ofType("vault:index/token:Token")).toHaveLength(1);
  expect(tokensDyingWithChildToken(engine.resources)).toEqual([]);
});

deployerPolicyStackTests(
  "prod with tokenAuth.enabled",
  () => ({ resources: engine.resources.filter((r) => !r.read), kvPath: "secret", authPath: "kubernetes", readScope: "acme/prod/clusters/prod-1/shared" }),
  {
    "auth/token/roles/external-secrets-token": ["create", "read", "update", "delete"],
    // No `period` in the request (the role sets it), so no sudo: vault/token_store.go handleCreateCommon.
    "auth/token/create/external-secrets-token": ["update"],
    "auth/token/lookup-accessor": ["update"],
    // The bootstrap token is retainOnDelete: Pulumi never revokes it (the bootstrap Job does), so no revoke-accessor.
    "auth/token/create": ["update"],
    "sys/policies/acl/external-secrets-token-renewer": ["read", "update", "delete"],
  },
  ["auth/token/revoke-accessor"],
);

describe("contract: hashicorp/vault mount.go mountInternal, auth.go enableCredentialInternal, audit.go enableAudit, policy_store.go SetPolicy", () => {
  test("against a freshly initialised Vault, every Vault object the token-auth stack writes is accepted as sent", () => {
    expect(applyToVault(freshServer(), engine.resources)).toEqual([]);
  });

  test("vault-eso:adopt can name exactly the policies, roles and audit devices this stack registers (managedVaultNames)", () => {
    const doc = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, unknown> };
    doc.config["vault-eso:tokenAuth"] = { enabled: true };
    const { config, secretKeys } = flattenConfig(doc.config);
    const names = configuredVaultNames(config, secretKeys);
    expect(names).toEqual(registeredVaultNames(engine.resources));
    expect(names.policies).toEqual(expect.arrayContaining(["vault-eso-tenants", "external-secrets-token-renewer", "prometheus-metrics"]));
  });
});

test("hashicorp/vault vault/policy.go parsePaths + vault/acl.go AllowOperation: the renewer's token, read as Vault reads its emitted policies, renews itself and creates through its one role only", () => {
  const byName = new Map(vaultPolicies(engine.resources).map((p) => [p.name, parsePolicy(p.name, p.policy)]));
  for (const p of byName.values()) expect(p.rules.every((r) => r.conditions === undefined)).toBe(true);
  const renewer = byName.get("external-secrets-token-renewer")!;
  const create = renewer.rules.find((r) => r.path.startsWith("auth/token/create/"))!.path;
  const acl = compileAcl([renewer]);
  expect(acl.allows("update", "auth/token/renew-self")).toBe(true);
  expect(acl.allows("update", create)).toBe(true);
  expect(acl.check("update", create).rootPrivs).toBe(false); // no sudo: the role's period applies, not one the caller asks for
  for (const path of ["auth/token/create", `${create}-other`, "auth/token/create-orphan", "auth/token/roles/x", "sys/policies/acl/x"]) {
    expect([path, acl.capabilities(path).size]).toEqual([path, 0]);
  }
});

describe("hashicorp/vault-plugin-secrets-kv path_config.go + path_data.go, terraform-provider-vault resource_kv_secret_backend_v2.go, external-secrets providers/v1/vault client_push.go: KV mount options", () => {
  test("kv.maxVersions / casRequired / deleteVersionAfter reach <mount>/config as Vault stores them", () => {
    const [cfg] = engine.ofType("vault:kv/secretBackendV2:SecretBackendV2");
    expect(cfg.inputs).toMatchObject({ mount: "secret", maxVersions: 20, casRequired: true, deleteVersionAfter: 90 * 86400 });
    const stored = configWrite(defaultKvConfig(), providerConfigWrite(cfg.inputs));
    expect(stored).toEqual({ maxVersions: 20, casRequired: true, deleteVersionAfter: 90 * 86400 });
    expect(versionsKept(stored)).toBe(20);
  });

  test("with cas_required every store sends check-and-set, so ESO's PushSecret writes are accepted (without it Vault refuses them)", () => {
    const stored = configWrite(defaultKvConfig(), providerConfigWrite(engine.ofType("vault:kv/secretBackendV2:SecretBackendV2")[0].inputs));
    const stores = [...engine.ofType("kubernetes:external-secrets.io/v1:ClusterSecretStore"), ...engine.ofType("kubernetes:external-secrets.io/v1:SecretStore")];
    expect(stores.length).toBeGreaterThan(1);
    for (const s of stores) {
      const v = s.inputs.spec.provider.vault;
      expect(`${s.name}: ${JSON.stringify(v.checkAndSet)}`).toBe(`${s.name}: {"required":true}`);
      expect(dataWrite(stored, esoPushWrite(v, 0))).toEqual({ ok: true });
      // The same store without checkAndSet: Vault's answer to ESO.
      expect(dataWrite(stored, esoPushWrite({ ...v, checkAndSet: undefined }, 0))).toEqual({ error: "check-and-set parameter required for this call" });
    }
  });
});
