/**
 * The whole platform graph for one stack, built from the validated config.
 * `index.ts` is one consumer; tests and the offline renderer are others.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { templatedTenantPolicy } from "../policies/vault/builders";
import { renderPolicyHcl } from "../policies/vault/hcl";
import { platformNamespaces, tenantSubtree } from "./config/config";
import { storeTokenAudiences } from "./vault-backend/kubernetes-auth";
import { ContractCa, shardVaultObjects, TENANT_CONTRACT_VERSION, TenantContract } from "./tenants/shard-config";
import { tenantVaultObjectKeys } from "./tenants/vault-objects";
import { VaultObject, vaultObjectKey } from "../policies/vault/names";
import { TenantNamespace } from "./tenants/tenant-namespace";
import { developerClusterRole } from "./tenants/developer-cluster-role";
import { ClusterStore } from "./stores/cluster-store";
import { EsoInstall } from "./eso/eso-install";
import type { PlatformConfig } from "./config/config";
import { thisStackName, type StackConfig } from "./config/stack-config";
import { VaultBackend } from "./vault-backend/vault-backend";
import { buildTokenAuth } from "./token-renewer/token-auth-platform";
import type { TokenRenewer } from "./token-renewer/token-renewer";
import { buildExtras, buildTrust, esoExtraValues, Extras, Trust } from "./extras";
import { adoptionPlan, adoptTransformations } from "./vault-backend/adopt";
import { ReloaderInstall } from "./reloader/reloader-install";
import { storeConditions } from "./stores/store-plan";
import { scoped, type BuildScope } from "./scope";
export type { BuildScope } from "./scope";

export interface Platform {
  readonly vaultProvider: vault.Provider;
  readonly backend: VaultBackend;
  readonly eso: EsoInstall;
  readonly store: ClusterStore;
  readonly tenants: readonly TenantNamespace[];
  /** The token renewer, when `tokenAuth.enabled`. */
  readonly tokenRenewer?: TokenRenewer;
  /** TLS trust, audit, monitoring and NetworkPolicies (components/extras.ts). */
  readonly trust: Trust;
  readonly extras: Extras;
  /** Stakater Reloader, when `reloader.enabled` (docs/reloader.md). */
  readonly reloader?: ReloaderInstall;
  /** The stack outputs `index.ts` exports. */
  readonly outputs: {
    readonly environment: string;
    readonly storeName: pulumi.Output<string>;
    readonly kvPath: pulumi.Output<string>;
    readonly kubernetesAuthPath: pulumi.Output<string>;
    readonly esoRole: pulumi.Output<string>;
    readonly esoPolicy: pulumi.Output<string>;
    readonly esoNamespace: pulumi.Output<string>;
    readonly esoReadScope: string;
    readonly tokenReviewMode: string;
    /** Token auth: the Secret, CronJob and token role; undefined with Kubernetes auth. */
    readonly tokenAuth?: { readonly secret: pulumi.Output<string>; readonly cronJob: pulumi.Output<string>; readonly role: pulumi.Output<string> };
    readonly tenants: Record<string, { namespace: pulumi.Output<string>; role: pulumi.Output<string>; policy: pulumi.Output<string>; store: pulumi.Output<string>; subtree: string; writerGroup?: pulumi.Output<string> }>;
    /** What tenant stacks read through a StackReference (docs/sharding.md), versioned. */
    readonly tenantContract: pulumi.Output<TenantContract>;
  };
}

export function buildPlatform({ config, secrets }: StackConfig, stack?: string, scope?: BuildScope): Platform {
  const shared = config.tenancy.mode === "shared";
  const vaultProvider = new vault.Provider("vault", {
    address: config.vault.address,
    // Unset: the provider falls back to VAULT_TOKEN / ~/.vault-token on the machine running Pulumi.
    token: secrets.vaultToken,
    caCertFile: config.vault.caCertFile,
    skipTlsVerify: config.vault.skipTlsVerify,
    namespace: config.vault.namespace,
  }, scoped(scope));

  // `vault-eso:adopt`: existing Vault and Kubernetes objects are imported, not created, and adopted Kubernetes
  // objects are never deleted (docs/adopting.md, docs/migrating.md). Children inherit it.
  const adopt = adoptTransformations(adoptionPlan(config));
  const eso = new EsoInstall("eso", {
    namespace: config.eso.namespace,
    serviceAccountName: config.eso.serviceAccountName,
    replicas: config.eso.replicas,
    leaderElect: config.eso.leaderElect,
    resources: config.eso.resources,
    systemAuthDelegator: config.kubernetesAuth.tokenReview === "clientJwt",
    concurrent: config.eso.concurrent,
    extraValues: esoExtraValues(config),
  }, scoped(scope, { transformations: adopt }));

  const backend = new VaultBackend(
    "vault",
    {
      kvPath: config.kv.path,
      kvDescription: config.kv.description,
      kvOptions: config.kv.options,
      kubernetesAuthDescription: config.kubernetesAuth.description,
      kubernetesAuthPath: config.kubernetesAuth.path,
      kubernetesHost: config.kubernetesAuth.host,
      vaultRunsIn: config.kubernetesAuth.vaultRunsIn,
      kubernetesCaCert: config.kubernetesAuth.caCertPem,
      apiAudiences: [...config.kubernetesAuth.apiAudiences],
      issuer: config.kubernetesAuth.issuer,
      disableIssValidation: config.kubernetesAuth.disableIssValidation,
      disableLocalCaJwt: config.kubernetesAuth.disableLocalCaJwt,
      tokenReview:
        config.kubernetesAuth.tokenReview === "clientJwt"
          ? { mode: "clientJwt" }
          : { mode: "reviewerServiceAccount", namespace: config.kubernetesAuth.reviewerNamespace, jwt: secrets.reviewerJwt, tokenGeneration: config.kubernetesAuth.reviewerTokenGeneration },
      eso: {
        namespace: config.eso.namespace,
        serviceAccountName: config.eso.serviceAccountName,
        role: config.eso.role,
        policy: config.eso.policy,
        scope: config.kv.scope,
        // Shared tenancy: the cluster-wide identity reads every tenant's subtree (the weaker mode).
        extraReadSubtrees: shared ? config.tenants.map((t) => t.subtree) : [],
        audience: config.kubernetesAuth.audience,
        tokenTtlSeconds: config.eso.tokenTtlSeconds,
        tokenMaxTtlSeconds: config.eso.tokenMaxTtlSeconds,
      },
    },
    scoped(scope, { providers: { vault: vaultProvider }, transformations: adopt }),
  );

  const tokenAuth = buildTokenAuth(config, backend, vaultProvider, scope);

  const trust = buildTrust(config, eso, scope);
  const store = new ClusterStore(
    "cluster",
    {
      name: config.store.name,
      server: config.vault.serverForEso,
      mountPath: backend.kvPath,
      vaultNamespace: config.vault.namespace,
      checkAndSetRequired: config.kv.options?.casRequired === true,
      ca: trust.clusterCa,
      auth: tokenAuth?.storeAuth ?? {
        kind: "kubernetes",
        mountPath: backend.authPath,
        role: backend.esoRoleName,
        serviceAccount: { name: config.eso.serviceAccountName, namespace: config.eso.namespace },
        audience: config.kubernetesAuth.audience,
        tokenReview: backend.tokenReviewMode,
        apiAudiences: [...config.kubernetesAuth.apiAudiences],
      },
      conditions: config.store.allowAllNamespaces ? undefined : storeConditions(config),
    },
    scoped(scope, { dependsOn: [eso, backend, ...trust.dependsOn, ...(tokenAuth ? [tokenAuth.renewer] : [])], transformations: adopt }),
  );

  const { tenants, developerClusterRole, templatedPolicyName, templatedPolicy } = buildTenants(config, backend, eso, store, vaultProvider, trust, scope);
  const extras = buildExtras(config, { backend, eso, vaultProvider }, scope);
  // Watches only the opted-in tenants' namespaces; their outputs make the release wait for those namespaces alone.
  const reloader = config.reloader.enabled
    ? new ReloaderInstall("reloader", { namespace: config.reloader.namespace, watchNamespaces: tenants.filter((_, i) => config.tenants[i].reloader).map((t) => t.namespace) }, scoped(scope))
    : undefined;

  return {
    vaultProvider,
    backend,
    eso,
    store,
    tenants,
    tokenRenewer: tokenAuth?.renewer,
    trust,
    extras,
    reloader,
    outputs: {
      environment: config.environment,
      storeName: store.storeName,
      kvPath: backend.kvPath,
      kubernetesAuthPath: backend.authPath,
      esoRole: backend.esoRoleName,
      esoPolicy: backend.esoPolicyName,
      esoNamespace: eso.namespace,
      esoReadScope: config.kv.scope,
      tokenReviewMode: config.kubernetesAuth.tokenReview,
      tokenAuth: tokenAuth?.output,
      tenants: Object.fromEntries(
        tenants.map((t, i) => [
          config.tenants[i].name,
          { namespace: t.namespace, role: t.roleName, policy: t.policyName, store: t.storeName, subtree: config.tenants[i].subtree, ...(t.writerGroupName ? { writerGroup: t.writerGroupName } : {}) },
        ]),
      ),
      tenantContract: tenantContract(config, {
        authPath: backend.authPath,
        developerClusterRole,
        templatedPolicyName,
        templatedPolicy,
        trust,
        stack,
        // The platform's own named Vault objects, as its components name them (its tenants' come from vault-objects.ts).
        platformObjects: pulumi.all([
          backend.authPath,
          backend.esoPolicyName,
          backend.esoRoleName,
          templatedPolicyName,
          tokenAuth?.renewer.policyName,
          tokenAuth?.renewer.roleName,
          extras.observability?.metricsPolicyName,
          extras.observability?.metricsRoleName,
        ]).apply(([authPath, esoPolicy, esoRole, templated, renewerPolicy, renewerRole, metricsPolicy, metricsRole]): VaultObject[] => [
          { kind: "policy", name: esoPolicy },
          { kind: "kubernetesRole", name: esoRole, scope: authPath },
          ...(templated ? [{ kind: "policy" as const, name: templated }] : []),
          ...(renewerPolicy ? [{ kind: "policy" as const, name: renewerPolicy }] : []),
          ...(renewerRole ? [{ kind: "tokenRole" as const, name: renewerRole }] : []),
          ...(metricsPolicy ? [{ kind: "policy" as const, name: metricsPolicy }] : []),
          ...(metricsRole ? [{ kind: "kubernetesRole" as const, name: metricsRole, scope: authPath }] : []),
        ]),
      }),
    },
  };
}

/** The versioned output tenant stacks build on: every value a `TenantNamespace` needs from the platform. */
function tenantContract(
  config: PlatformConfig,
  p: {
    authPath: pulumi.Output<string>;
    developerClusterRole?: pulumi.Output<string>;
    templatedPolicyName?: pulumi.Output<string>;
    templatedPolicy?: pulumi.Output<string>;
    trust: Trust;
    stack?: string;
    platformObjects: pulumi.Output<VaultObject[]>;
  },
): pulumi.Output<TenantContract> {
  const { tenancy, kubernetesAuth: k } = config;
  const caPem = p.trust.tenantCaConfigMap?.pem;
  const ca: pulumi.Output<ContractCa> = p.trust.tenantCaConfigMap
    ? pulumi.output(caPem!).apply((pem) => ({ kind: "configMap" as const, name: p.trust.tenantCaConfigMap!.name, key: p.trust.tenantCaConfigMap!.key, pem }))
    : pulumi.output(p.trust.tenantCa?.kind === "bundle" ? { kind: "bundle" as const, pem: p.trust.tenantCa.pem } : { kind: "none" as const });
  return pulumi
    .all([p.authPath, p.developerClusterRole ?? tenancy.developerClusterRole, p.templatedPolicyName, p.templatedPolicy, ca, p.platformObjects])
    .apply(([authPath, developerClusterRole, templatedPolicyName, templatedPolicy, ca, platformObjects]) => ({
      version: TENANT_CONTRACT_VERSION,
      platformStack: p.stack ?? thisStackName(),
      environment: config.environment,
      vault: { address: config.vault.address, serverForEso: config.vault.serverForEso, ...(config.vault.namespace ? { namespace: config.vault.namespace } : {}) },
      kv: { path: config.kv.path, esoScope: config.kv.scope },
      kubernetesAuth: { path: authPath, audience: k.audience, tokenReview: k.tokenReview, apiAudiences: [...k.apiAudiences], storeAudiences: storeTokenAudiences(k.tokenReview, k.audience, k.apiAudiences) },
      eso: { tokenTtlSeconds: config.eso.tokenTtlSeconds, tokenMaxTtlSeconds: config.eso.tokenMaxTtlSeconds },
      tenancy: {
        mode: "isolated" as const,
        policy: tenancy.policy,
        ...(templatedPolicyName ? { templatedPolicyName } : {}),
        ...(templatedPolicy ? { templatedPolicy } : {}),
        pathTemplate: tenancy.pathTemplate,
        org: tenancy.org,
        cluster: tenancy.cluster,
        serviceAccountName: tenancy.serviceAccountName,
        storeName: tenancy.storeName,
        developerClusterRole,
        podSecurity: tenancy.podSecurity,
      },
      ca,
      reservedNamespaces: platformNamespaces(config),
      platformTenants: config.tenants.map((t) => t.name),
      shards: config.shards,
      vaultObjects: {
        platform: [
          ...new Set([
            ...platformObjects.map(vaultObjectKey),
            ...config.tenants.flatMap((t) => tenantVaultObjectKeys({ name: t.name, policyMode: tenancy.policy, authPath, push: t.push !== undefined, writers: t.writers })),
          ]),
        ].sort(),
        shards: shardVaultObjects(config.shards, tenancy.policy, authPath),
      },
    }));
}

/** The ClusterSecretStore's conditions: configured ones, plus the tenants' namespaces in shared mode. */
export { storeConditions } from "./stores/store-plan";

/**
 * Tenants are independent of each other: each depends only on the shared platform pieces.
 * The shared tenant pieces (developer ClusterRole, templated policy) exist when this stack
 * or a tenant stack (`vault-eso:shards`) has tenants.
 */
function buildTenants(
  config: PlatformConfig,
  backend: VaultBackend,
  eso: EsoInstall,
  store: ClusterStore,
  vaultProvider: vault.Provider,
  trust: Trust,
  scope: BuildScope | undefined,
): { tenants: TenantNamespace[]; developerClusterRole?: pulumi.Output<string>; templatedPolicyName?: pulumi.Output<string>; templatedPolicy?: pulumi.Output<string> } {
  if (config.tenants.length === 0 && Object.keys(config.shards).length === 0) return { tenants: [] };
  const { tenancy } = config;
  const developerRole = new k8s.rbac.v1.ClusterRole("namespace-developer", developerClusterRole(tenancy.developerClusterRole), scoped(scope, { transformations: adoptTransformations(adoptionPlan(config)) }));
  let policy: { mode: "perTenant" } | { mode: "templated"; policyName: pulumi.Output<string> } = { mode: "perTenant" };
  let templatedPolicy: pulumi.Output<string> | undefined;
  if (tenancy.policy === "templated") {
    const hcl = backend.authAccessor.apply((accessor) =>
      renderPolicyHcl(
        templatedTenantPolicy("vault-eso-tenants", config.kv.path, accessor, (tenant) => tenantSubtree(tenancy, config.environment, tenant)),
      ),
    );
    // Waits for the auth mount through its accessor, nothing else (a wider dependsOn deepens every tenant's chain).
    const templated = new vault.Policy("tenants-templated-policy", { name: "vault-eso-tenants", policy: hcl }, scoped(scope, { provider: vaultProvider, transformations: adoptTransformations(adoptionPlan(config)) }));
    policy = { mode: "templated", policyName: templated.name };
    templatedPolicy = hcl;
  }
  const tenants = config.tenants.map(
    (t) =>
      new TenantNamespace(
        `tenant-${t.name}`,
        {
          name: t.name,
          subtree: t.subtree,
          owner: t.owner,
          kvPath: config.kv.path,
          authPath: backend.authPath,
          audience: config.kubernetesAuth.audience,
          tokenReview: config.kubernetesAuth.tokenReview,
          apiAudiences: [...config.kubernetesAuth.apiAudiences],
          vaultServer: config.vault.serverForEso,
          ca: trust.tenantCa,
          caConfigMap: trust.tenantCaConfigMap,
          push: t.push,
          writers: t.writers,
          vaultNamespace: config.vault.namespace,
          checkAndSetRequired: config.kv.options?.casRequired === true,
          policy,
          tokenTtlSeconds: config.eso.tokenTtlSeconds,
          tokenMaxTtlSeconds: config.eso.tokenMaxTtlSeconds,
          store: config.tenancy.mode === "isolated" ? { mode: "isolated", name: tenancy.storeName } : { mode: "shared", clusterStoreName: store.storeName },
          serviceAccountName: tenancy.serviceAccountName,
          authDelegator: config.kubernetesAuth.tokenReview === "clientJwt",
          developers: t.developers,
          developerClusterRole: developerRole.metadata.name,
          podSecurity: tenancy.podSecurity,
          deleteNamespaceOnRemoval: t.deleteNamespaceOnRemoval,
          externalSecrets: t.externalSecrets,
        },
        scoped(scope, {
          providers: { vault: vaultProvider },
          transformations: adoptTransformations(adoptionPlan(config)),
          // Only the store and ExternalSecrets wait for the shared pieces (see BENCHMARKS.md, graph depth).
          storeDependsOn: [eso.release, backend.authConfig, ...trust.dependsOn],
        }),
      ),
  );
  return { tenants, developerClusterRole: developerRole.metadata.name, templatedPolicyName: policy.mode === "templated" ? policy.policyName : undefined, templatedPolicy };
}
