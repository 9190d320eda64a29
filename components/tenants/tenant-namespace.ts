import * as k8s from "@pulumi/kubernetes";
import { authDelegatorBinding } from "../../policies/k8s/rbac";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { renderPolicyHcl } from "../../policies/vault/hcl";
import { tenantPushPolicy, tenantReadPolicy, tenantWriterPolicy } from "../../policies/vault/builders";
import { pushSecretManifest } from "./push";
import { tenantVaultObjects } from "./vault-objects";
import { ESO_API, toVaultCaTrust, vaultCaTrustProblems, type VaultCaTrustArgs } from "../eso/eso";
import {
  checkTenantArgs,
  type ExternalSecretArgs,
  type PodSecurityLevel,
  type TenantCaConfigMap,
  type TenantDevelopers,
  type TenantPolicyArgs,
  type TenantPushArgs,
  type TenantStore,
  type TenantWritersArgs,
} from "./tenant-args";
import { storeTokenAudiences, TokenReviewMode } from "../vault-backend/kubernetes-auth";
import { developerSubjects, externalSecretManifest, tenantLabels, tenantSecretStoreSpec } from "./tenant";
import { InputError } from "../config/errors";

export interface TenantNamespaceArgs {
  /** Tenant name = namespace name (DNS-1123 label). */
  readonly name: string;
  /** The tenant's subtree of the KV mount, e.g. `acme/prod/clusters/c1/apps/team-a`. */
  readonly subtree: string;
  /** Owner label value. Default: none. */
  readonly owner?: string;
  /** KV v2 mount path. */
  readonly kvPath: string;
  /** Kubernetes auth mount path (pass `VaultBackend.authPath` so the role waits for the mount). */
  readonly authPath: pulumi.Input<string>;
  /** Audience the role requires; the store's token always carries it. */
  readonly audience: string;
  /**
   * Who reviews logins (`VaultBackend.tokenReviewMode`). `clientJwt`: the tenant's
   * token is the bearer of Vault's TokenReview, so the store also requests
   * `apiAudiences` and the service account is bound to `system:auth-delegator`.
   */
  readonly tokenReview: TokenReviewMode;
  /** The API server's audiences. Default `["https://kubernetes.default.svc.cluster.local"]`. */
  readonly apiAudiences?: string[];
  /** Vault URL as ESO reaches it. */
  readonly vaultServer: string;
  /** TLS trust for Vault (a `provider` CA must be in the tenant namespace, no `namespace`). Default: system roots. */
  readonly ca?: VaultCaTrustArgs;
  /** Vault Enterprise namespace. Default: none. */
  readonly vaultNamespace?: string;
  /** The KV mount requires check-and-set (`kv.casRequired`): the store sends CAS on PushSecret writes. Default false. */
  readonly checkAndSetRequired?: boolean;
  /**
   * `perTenant`: this component writes the tenant's own policy.
   * `templated`: the role uses a shared identity-templated policy (created once by the caller).
   */
  readonly policy: TenantPolicyArgs;
  /** TTL of the tokens the tenant's role issues, in seconds. */
  readonly tokenTtlSeconds: number;
  /** Max TTL of the tokens the tenant's role issues, in seconds. */
  readonly tokenMaxTtlSeconds: number;
  /**
   * `isolated`: a SecretStore in the namespace that logs in as this tenant.
   * `shared`: ExternalSecrets use the ClusterSecretStore (weaker: Vault sees ESO, not the tenant).
   */
  readonly store: TenantStore;
  /** Service account ESO logs in as. Default `vault-secrets`. */
  readonly serviceAccountName?: string;
  /** Bind the service account to `system:auth-delegator`. Default: true exactly with `tokenReview: "clientJwt"` (false is refused there). */
  readonly authDelegator?: boolean;
  /** Developers bound to `developerClusterRole` in the namespace. Default: none. */
  readonly developers?: TenantDevelopers;
  /** The shared developer ClusterRole. Default `namespace-developer`. */
  readonly developerClusterRole?: pulumi.Input<string>;
  /** Pod Security level enforced on the namespace. Default `restricted`. */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Delete the namespace (and everything in it) when this component is deleted. Default false: the
   * namespace is kept (`retainOnDelete`), so removing a tenant never deletes the team's workloads by
   * accident; its Vault role, policy and the objects this component made are still deleted.
   */
  readonly deleteNamespaceOnRemoval?: boolean;
  /** ExternalSecrets to declare, keys relative to `subtree`. Default: none. */
  readonly externalSecrets?: ExternalSecretArgs[];
  /**
   * Vault's CA as a ConfigMap in the tenant's namespace (key `key`), which the
   * SecretStore references through `caProvider`; overrides `ca`. Used when the
   * CA is delivered by ConfigMap or issued by cert-manager. Default: none.
   */
  readonly caConfigMap?: TenantCaConfigMap;
  /**
   * Grant PushSecret: an extra policy `tenant-<name>-push` with create/read/update
   * (and delete with `allowDelete`) on the tenant's own subtree, and the tenant's
   * PushSecrets (remote keys relative to `subtree`). Isolated store mode only. Default: none.
   */
  readonly push?: TenantPushArgs;
  /**
   * People who write the tenant's secrets (`vault kv put`): a writer policy
   * `tenant-<name>-writer` on the subtree (create/read/update/list; soft delete
   * with `allowDelete`), an external identity group (default
   * `tenant-<name>-writers`) holding it, and a group alias that maps the SSO
   * group `alias.name` on the auth mount `alias.mountAccessor` onto it. Default: none.
   */
  readonly writers?: TenantWritersArgs;
}


/** TenantNamespace's resource options: the component options and what the tenant's store waits for. */
export interface TenantNamespaceOptions extends pulumi.ComponentResourceOptions {
  /**
   * What the SecretStore and ExternalSecrets wait for: ESO's Helm release (CRDs,
   * webhook) and Vault's Kubernetes auth config (so the store's first login can
   * succeed). Only these wait: the namespace, service account and Vault policy and
   * role start at once, which keeps the graph shallow. Default: none.
   */
  readonly storeDependsOn?: pulumi.Resource[];
}

/**
 * One tenant, onboarded as one object: namespace, the service account ESO
 * logs in as, a Vault policy for the tenant's subtree and a Kubernetes auth
 * role bound to exactly that service account and namespace, a SecretStore
 * that uses them (so Vault, not only RBAC, enforces the boundary), developer
 * RBAC and the tenant's ExternalSecrets.
 */
export class TenantNamespace extends pulumi.ComponentResource {
  /** The tenant's namespace (`name`). */
  public readonly namespace: pulumi.Output<string>;
  /** The tenant's Kubernetes auth role in Vault (`tenant-<name>`). */
  public readonly roleName: pulumi.Output<string>;
  /** Name of the tenant's own policy (perTenant) or the shared one (templated). */
  public readonly policyName: pulumi.Output<string>;
  /** HCL of the tenant's own policy; undefined in templated mode. */
  public readonly policyHcl?: string;
  /** The store the tenant's ExternalSecrets use: its SecretStore (isolated) or the ClusterSecretStore (shared). */
  public readonly storeName: pulumi.Output<string>;
  /** HCL of the tenant's push policy; undefined without push. */
  public readonly pushPolicyHcl?: string;
  /** HCL of the tenant's writer policy; undefined without writers. */
  public readonly writerPolicyHcl?: string;
  /** The writers' Vault identity group name; undefined without writers. */
  public readonly writerGroupName?: pulumi.Output<string>;

  constructor(name: string, args: TenantNamespaceArgs, opts?: TenantNamespaceOptions) {
    const { storeDependsOn = [], ...componentOpts } = opts ?? {};
    const checked = checkTenantArgs(args);
    const caProblems = vaultCaTrustProblems("ca", args.ca);
    if (checked.problems.length + caProblems.length > 0) {
      throw new InputError(`TenantNamespace ${name} (tenant ${args.name}): ${[...checked.problems, ...caProblems].join("; ")}`);
    }
    const { externalSecrets, push, writers } = checked;
    // Every refusal comes before super(): nothing, not even the component, registers on bad input.
    if (push && args.store.mode !== "isolated") {
      throw new InputError(`tenant ${args.name}: push needs the isolated store mode (a ClusterSecretStore identity would write for every namespace)`);
    }
    const deleting = push?.secrets.find((ps) => ps.deletionPolicy === "Delete");
    if (deleting && !push!.allowDelete) {
      throw new InputError(`tenant ${args.name}: PushSecret ${deleting.name} uses deletionPolicy Delete, which needs push.allowDelete (the delete capability in Vault)`);
    }
    if (args.tokenReview === "clientJwt" && args.authDelegator === false) {
      throw new InputError(`tenant ${args.name}: with tokenReview "clientJwt" the tenant's token is the bearer of Vault's TokenReview call, which needs system:auth-delegator: drop authDelegator: false`);
    }
    super("vault-eso:index:TenantNamespace", name, {}, opts === undefined ? undefined : componentOpts);
    const authDelegator = args.authDelegator ?? args.tokenReview === "clientJwt";
    const labels = tenantLabels(args.name, args.owner);
    const saName = args.serviceAccountName ?? "vault-secrets";
    // Every Vault name this tenant writes, from the one function the cross-stack ownership checks use too.
    const names = tenantVaultObjects({ name: args.name, policyMode: args.policy.mode, authPath: "", push: push !== undefined, writers });
    const vaultName = names.policy;
    const level = args.podSecurity ?? "restricted";

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: args.name,
          labels: {
            ...labels,
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          },
        },
      },
      // Offboarding keeps the team's namespace unless the config said otherwise at the last `up` (docs/operations.md#offboarding).
      { parent: this, retainOnDelete: args.deleteNamespaceOnRemoval !== true },
    );
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      // Only ESO requests tokens for it (TokenRequest); no pod mounts it.
      { metadata: { name: saName, namespace: args.name, labels }, automountServiceAccountToken: false },
      { parent: this, dependsOn: [ns] },
    );
    // With the client's JWT as reviewer, Vault's TokenReview needs this binding: the store
    // (which `pulumi up` waits on until ESO's login works) is created after it.
    const loginDeps: pulumi.Resource[] = [];
    if (authDelegator) {
      loginDeps.push(
        new k8s.rbac.v1.ClusterRoleBinding(
          `${name}-auth-delegator`,
          authDelegatorBinding(`vault-eso-auth-delegator-${args.name}`, { name: saName, namespace: args.name }, labels),
          { parent: this, dependsOn: [sa] },
        ),
      );
    }

    let policyName: pulumi.Output<string>;
    if (args.policy.mode === "perTenant") {
      this.policyHcl = renderPolicyHcl(tenantReadPolicy(vaultName, args.kvPath, args.subtree));
      policyName = new vault.Policy(`${name}-policy`, { name: vaultName, policy: this.policyHcl }, { parent: this }).name;
    } else {
      policyName = pulumi.output(args.policy.policyName!);
    }

    const tokenPolicies: pulumi.Input<string>[] = [policyName];
    if (push) {
      this.pushPolicyHcl = renderPolicyHcl(tenantPushPolicy(names.pushPolicy!, args.kvPath, args.subtree, push.allowDelete));
      tokenPolicies.push(new vault.Policy(`${name}-push-policy`, { name: names.pushPolicy!, policy: this.pushPolicyHcl }, { parent: this }).name);
    }

    if (writers) {
      const w = writers;
      const policyName = names.writerPolicy!;
      this.writerPolicyHcl = renderPolicyHcl(tenantWriterPolicy(policyName, args.kvPath, args.subtree, w.allowDelete));
      const writerPolicy = new vault.Policy(`${name}-writer-policy`, { name: policyName, policy: this.writerPolicyHcl }, { parent: this });
      // external: Vault fills its members from the alias at each login (identity_store_groups.go: members of an
      // external group cannot be set by hand; identity_store_group_aliases.go: only external groups take an alias).
      const group = new vault.identity.Group(
        `${name}-writers`,
        { name: names.writerGroup!, type: "external", policies: [writerPolicy.name] },
        { parent: this },
      );
      new vault.identity.GroupAlias(`${name}-writers-alias`, { name: w.alias.name, mountAccessor: w.alias.mountAccessor, canonicalId: group.id }, { parent: this });
      this.writerGroupName = group.name;
    }

    const role = new vault.kubernetes.AuthBackendRole(
      `${name}-role`,
      {
        backend: args.authPath,
        roleName: names.role,
        boundServiceAccountNames: [saName],
        boundServiceAccountNamespaces: [args.name],
        audience: args.audience,
        aliasNameSource: "serviceaccount_uid",
        tokenPolicies,
        tokenTtl: args.tokenTtlSeconds,
        tokenMaxTtl: args.tokenMaxTtlSeconds,
      },
      { parent: this },
    );

    let storeRef: { name: pulumi.Input<string>; kind: "SecretStore" | "ClusterSecretStore" };
    let storeDeps: pulumi.Resource[] = [];
    /** Dependants of `storeName` wait for the store itself. */
    let storeOutput: pulumi.Output<string>;
    if (args.store.mode === "isolated") {
      const storeName = args.store.name ?? "vault";
      let ca = toVaultCaTrust(args.ca);
      const caDeps: pulumi.Resource[] = [];
      if (args.caConfigMap) {
        const cm = args.caConfigMap;
        caDeps.push(
          new k8s.core.v1.ConfigMap(
            `${name}-vault-ca`,
            { metadata: { name: cm.name, namespace: ns.metadata.name, labels }, data: { [cm.key]: cm.pem } },
            { parent: this },
          ),
        );
        // A namespaced store's caProvider has no namespace: the ConfigMap is in the store's own.
        ca = { kind: "provider", type: "ConfigMap", name: cm.name, key: cm.key };
      }
      const spec = pulumi.all([args.authPath, role.roleName]).apply(([authPath, roleName]) =>
        tenantSecretStoreSpec({
          server: args.vaultServer,
          kvPath: args.kvPath,
          authPath,
          role: roleName,
          serviceAccountName: saName,
          audiences: storeTokenAudiences(args.tokenReview, args.audience, args.apiAudiences),
          ca,
          vaultNamespace: args.vaultNamespace,
          checkAndSetRequired: args.checkAndSetRequired,
        }),
      );
      const store = new k8s.apiextensions.CustomResource(
        `${name}-store`,
        {
          apiVersion: ESO_API.stores,
          kind: "SecretStore",
          metadata: { name: storeName, namespace: args.name, labels, annotations: { "pulumi.com/waitFor": "condition=Ready" } },
          spec,
        },
        { parent: this, dependsOn: [ns, sa, ...loginDeps, ...caDeps, ...(storeDependsOn)] },
      );
      // The name is known here; the ExternalSecrets wait for the store through dependsOn.
      storeRef = { name: storeName, kind: "SecretStore" };
      storeDeps = [store];
      storeOutput = store.metadata.name;
    } else {
      storeRef = { name: args.store.clusterStoreName!, kind: "ClusterSecretStore" };
      storeOutput = pulumi.output(args.store.clusterStoreName!);
    }

    const subjects = developerSubjects({ users: args.developers?.users ?? [], groups: args.developers?.groups ?? [] });
    if (subjects.length > 0) {
      new k8s.rbac.v1.RoleBinding(
        `${name}-developers`,
        {
          metadata: { name: "developers", namespace: args.name, labels },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: args.developerClusterRole ?? "namespace-developer" },
          subjects,
        },
        { parent: this, dependsOn: [ns] },
      );
    }

    // A plain manifest when the store name is known (isolated mode): no Output per field, per tenant.
    const withStoreName = <T>(build: (storeName: string) => T) =>
      typeof storeRef.name === "string" ? build(storeRef.name) : pulumi.output(storeRef.name).apply(build);

    for (const es of externalSecrets) {
      const manifest = withStoreName((storeName) =>
        externalSecretManifest(es, { namespace: args.name, subtree: args.subtree, storeRef: { name: storeName, kind: storeRef.kind }, labels }),
      );
      // The metadata never depends on the store: a literal even when the store name is an Output (shared mode),
      // so adoption can match the object by name and namespace (vault-backend/adopt.ts).
      const metadata = externalSecretManifest(es, { namespace: args.name, subtree: args.subtree, storeRef: { name: "", kind: storeRef.kind }, labels }).metadata;
      new k8s.apiextensions.CustomResource(
        `${name}-es-${es.name}`,
        {
          apiVersion: ESO_API.externalSecret,
          kind: "ExternalSecret",
          metadata,
          spec: manifest.spec,
        },
        { parent: this, dependsOn: [ns, ...storeDeps, ...(storeDependsOn)] },
      );
    }

    for (const ps of push?.secrets ?? []) {
      const manifest = withStoreName((storeName) => pushSecretManifest(ps, { namespace: args.name, subtree: args.subtree, storeName, labels }));
      new k8s.apiextensions.CustomResource(
        `${name}-push-${ps.name}`,
        { apiVersion: ESO_API.pushSecret, kind: "PushSecret", metadata: pushSecretManifest(ps, { namespace: args.name, subtree: args.subtree, storeName: "", labels }).metadata, spec: manifest.spec },
        { parent: this, dependsOn: [ns, ...storeDeps] },
      );
    }

    this.namespace = ns.metadata.name;
    this.roleName = role.roleName;
    this.policyName = policyName;
    this.storeName = storeOutput;
    this.registerOutputs({ namespace: this.namespace, roleName: this.roleName, policyName: this.policyName, storeName: this.storeName, writerGroupName: this.writerGroupName });
  }
}
