/**
 * A tenant stack (docs/sharding.md): reads its platform's `tenantContract`
 * output through a StackReference, checks its tenants against it (ownership,
 * subtrees, names) and only then builds its `TenantNamespace`s. If a check
 * fails nothing but the StackReference read is sent to the engine (a read
 * creates nothing), and the run fails with the `ConfigError`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { resolveShardTenants, TenantStackConfig } from "../config/config";
import { TENANT_CONTRACT_OUTPUT, TenantContract } from "./shard-config";
import type { SecretKey } from "../config/config";
import { TenantNamespace } from "./tenant-namespace";

export interface ShardTenantOutput {
  namespace: string;
  role: string;
  policy: string;
  store: string;
  subtree: string;
}

export interface TenantShardOutputs {
  readonly platformStack: string;
  readonly tenants: pulumi.Output<Record<string, ShardTenantOutput>>;
}

export interface TenantShard {
  /** Resolves once the tenants are registered; rejects with the `ConfigError` of a refused tenant. */
  readonly ready: Promise<{ readonly contract: TenantContract; readonly tenants: readonly TenantNamespace[]; readonly subtrees: readonly string[] }>;
  readonly outputs: TenantShardOutputs;
}

export function buildTenantShard(args: { config: TenantStackConfig; secrets: Partial<Record<SecretKey, pulumi.Output<string>>>; stack: string }): TenantShard {
  const { config, secrets, stack } = args;
  const ref = new pulumi.StackReference("platform", { name: config.platform });
  const ready = ref.getOutputDetails(TENANT_CONTRACT_OUTPUT).then((details) => {
    const { contract, tenants } = resolveShardTenants(config, details.value ?? details.secretValue, stack);
    const vaultProvider = new vault.Provider("vault", {
      address: config.vault.address ?? contract.vault.address,
      // Unset: the provider falls back to VAULT_TOKEN / ~/.vault-token on the machine running Pulumi.
      token: secrets.vaultToken,
      caCertFile: config.vault.caCertFile,
      namespace: contract.vault.namespace,
    });
    const k = contract.kubernetesAuth;
    const t = contract.tenancy;
    const ca = contract.ca;
    const built = tenants.map(
      (tenant) =>
        new TenantNamespace(
          `tenant-${tenant.name}`,
          {
            name: tenant.name,
            subtree: tenant.subtree,
            owner: tenant.owner,
            kvPath: contract.kv.path,
            authPath: k.path,
            audience: k.audience,
            tokenReview: k.tokenReview,
            apiAudiences: [...k.apiAudiences],
            vaultServer: contract.vault.serverForEso,
            ca: ca.kind === "bundle" ? { kind: "bundle", pem: ca.pem } : undefined,
            caConfigMap: ca.kind === "configMap" ? { name: ca.name, key: ca.key, pem: ca.pem } : undefined,
            push: tenant.push,
            vaultNamespace: contract.vault.namespace,
            policy: t.policy === "templated" ? { mode: "templated", policyName: t.templatedPolicyName! } : { mode: "perTenant" },
            tokenTtlSeconds: contract.eso.tokenTtlSeconds,
            tokenMaxTtlSeconds: contract.eso.tokenMaxTtlSeconds,
            store: { mode: "isolated", name: t.storeName },
            serviceAccountName: t.serviceAccountName,
            authDelegator: k.tokenReview === "clientJwt",
            developers: tenant.developers,
            developerClusterRole: t.developerClusterRole,
            podSecurity: t.podSecurity,
            deleteNamespaceOnRemoval: tenant.deleteNamespaceOnRemoval,
            externalSecrets: tenant.externalSecrets,
          },
          { providers: { vault: vaultProvider } },
        ),
    );
    return { contract, tenants: built, subtrees: tenants.map((x) => x.subtree) };
  });
  // (The promise, not pulumi.output(ready): that would walk into the TenantNamespace resources.)
  // A refusal is reported once, through `ready` (index.ts lets it fail the run); the output then stays empty.
  const tenants: pulumi.Output<Record<string, ShardTenantOutput>> = pulumi.output(
    ready.then(({ tenants: built, subtrees }) =>
    pulumi
      .all(built.map((tn) => pulumi.all([tn.namespace, tn.roleName, tn.policyName, tn.storeName])))
      .apply((rows) =>
        Object.fromEntries(rows.map(([namespace, role, policy, store], i): [string, ShardTenantOutput] => [config.tenants[i].name, { namespace, role, policy, store, subtree: subtrees[i] }])),
      ),
      () => ({}),
    ),
  ) as pulumi.Output<Record<string, ShardTenantOutput>>;
  return { ready, outputs: { platformStack: config.platform, tenants } };
}
