import * as k8s from "@pulumi/kubernetes";
import { authDelegatorBinding } from "../../policies/k8s/rbac";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { renderPolicyHcl } from "../../policies/vault/hcl";
import { tenantPushPolicy, tenantReadPolicy, tenantWriterPolicy } from "../../policies/vault/builders";
import { pushSecretManifest } from "./push";
import { tenantVaultObjects } from "./vault-objects";
import { ESO_API, toVaultCaTrust, vaultCaTrustProblems, type VaultCaTrustOptions } from "../eso/eso";
import {
  checkTenantArgs,
  TenantPolicyMode,
  TenantStoreMode,
  type ExternalSecretOptions,
  type PodSecurityLevel,
  type TenantCaConfigMap,
  type TenantDevelopers,
  type TenantPolicyOptions,
  type TenantPushOptions,
  type TenantStore,
  type TenantWritersOptions,
} from "./tenant-args";
import { storeTokenAudiences, TokenReviewMode } from "../vault-backend/kubernetes-auth";
import { developerSubjects, externalSecretManifest, tenantLabels, tenantSecretStoreSpec } from "./tenant";
import { InputError } from "../config/errors";
import type { z } from "zod";
import { zodProblems } from "../config/args-check";
import { checkedInput, derive, deferredProblems, refuse, type Checked } from "../config/component-inputs";
import { FIELD } from "../config/component-fields";
import type { VaultBackend } from "../vault-backend/vault-backend";
import type { VaultCaTrust } from "../eso/eso";

export interface TenantNamespaceArgs {
  /** Tenant name = namespace name (DNS-1123 label; not `default` or `kube-*`). */
  readonly name: pulumi.Input<string>;
  /** The tenant's subtree of the KV mount, e.g. `acme/prod/clusters/c1/apps/team-a` (no `*`, `+`, `{}`, `..`, leading or trailing `/`). */
  readonly subtree: pulumi.Input<string>;
  /** Owner label value. Default: none. */
  readonly owner?: pulumi.Input<string>;
  /** KV v2 mount path (`VaultBackend.kvPath`). Default: the backend's (TypeScript option `backend`), else `secret`. */
  readonly kvPath?: pulumi.Input<string>;
  /** Kubernetes auth mount path (`VaultBackend.authPath`, so the role waits for the mount). Default: the backend's, else `kubernetes`. */
  readonly authPath?: pulumi.Input<string>;
  /** Audience the role requires; the store's token always carries it. Default: the backend's, else `vault`. */
  readonly audience?: pulumi.Input<string>;
  /**
   * Who reviews logins (`VaultBackend.tokenReviewMode`). `clientJwt`: the tenant's
   * token is the bearer of Vault's TokenReview, so the store also requests
   * `apiAudiences` and the service account is bound to `system:auth-delegator`.
   * Decides which resources exist: a plain value, never an Output. Default: the backend's, else `clientJwt`.
   */
  readonly tokenReview?: TokenReviewMode;
  /** The API server's audiences. Default: the backend's, else `["https://kubernetes.default.svc.cluster.local"]`. */
  readonly apiAudiences?: pulumi.Input<pulumi.Input<string>[]>;
  /** Vault URL as ESO reaches it. */
  readonly vaultServer: pulumi.Input<string>;
  /** TLS trust for Vault (a `provider` CA must be in the tenant namespace, no `namespace`). Default: system roots. */
  readonly ca?: VaultCaTrustOptions;
  /** Vault Enterprise namespace. Default: none. */
  readonly vaultNamespace?: pulumi.Input<string>;
  /** The KV mount requires check-and-set (`kv.casRequired`): the store sends CAS on PushSecret writes. Default false. */
  readonly checkAndSetRequired?: boolean;
  /**
   * `perTenant`: this component writes the tenant's own policy.
   * `templated`: the role uses a shared identity-templated policy (created once by the caller).
   * Default `{ mode: "perTenant" }`.
   */
  readonly policy?: TenantPolicyOptions;
  /** TTL of the tokens the tenant's role issues, in seconds. Default 900 (the config's `eso.tokenTtl`). */
  readonly tokenTtlSeconds?: pulumi.Input<number>;
  /** Max TTL of the tokens the tenant's role issues, in seconds. Default 3600 (the config's `eso.tokenMaxTtl`). */
  readonly tokenMaxTtlSeconds?: pulumi.Input<number>;
  /**
   * `isolated`: a SecretStore in the namespace that logs in as this tenant.
   * `shared`: ExternalSecrets use the ClusterSecretStore (weaker: Vault sees ESO, not the tenant).
   * Default `{ mode: "isolated" }`.
   */
  readonly store?: TenantStore;
  /** Service account ESO logs in as. Default `vault-secrets`. */
  readonly serviceAccountName?: pulumi.Input<string>;
  /** Bind the service account to `system:auth-delegator`. Default: true exactly with `tokenReview: "clientJwt"` (false is refused there). */
  readonly authDelegator?: boolean;
  /** Developers bound to `developerClusterRole` in the namespace (needs `developerClusterRole`). Default: none. */
  readonly developers?: TenantDevelopers;
  /**
   * The ClusterRole `developers` are bound to, which this component does not create: a `DeveloperClusterRole`'s
   * `name` (the platform's `namespace-developer`) or your own. Required with `developers`.
   */
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
  readonly externalSecrets?: ExternalSecretOptions[];
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
  readonly push?: TenantPushOptions;
  /**
   * People who write the tenant's secrets (`vault kv put`): a writer policy
   * `tenant-<name>-writer` on the subtree (create/read/update/list; soft delete
   * with `allowDelete`), an external identity group (default
   * `tenant-<name>-writers`) holding it, and a group alias that maps the SSO
   * group `alias.name` on the auth mount `alias.mountAccessor` onto it. Default: none.
   */
  readonly writers?: TenantWritersOptions;
}

/** The args that take Outputs (every other field decides which resources exist and must be plain). */
const TENANT_INPUTS = [
  "name", "subtree", "owner", "kvPath", "authPath", "audience", "apiAudiences", "vaultServer", "vaultNamespace", "tokenTtlSeconds", "tokenMaxTtlSeconds",
  "serviceAccountName", "developerClusterRole", "policy.policyName", "store.clusterStoreName", "ca.pem", "ca.name", "ca.namespace", "caConfigMap.pem",
] as const;

/** TenantNamespace's resource options: the component options and what the tenant's store waits for (TypeScript only). */
export interface TenantNamespaceOptions extends pulumi.ComponentResourceOptions {
  /**
   * What the SecretStore and ExternalSecrets wait for: ESO's Helm release (CRDs,
   * webhook) and Vault's Kubernetes auth config (so the store's first login can
   * succeed). Only these wait: the namespace, service account and Vault policy and
   * role start at once, which keeps the graph shallow. Default: none, or the `backend`'s auth config.
   */
  readonly storeDependsOn?: pulumi.Resource[];
  /**
   * TypeScript only (not in the component package's schema): the `VaultBackend` the tenant logs in through. Its
   * `kvPath`, `authPath`, `audience`, `apiAudiences` and `tokenReviewMode` are the defaults of those args, and the
   * store waits for its auth config.
   */
  readonly backend?: VaultBackend;
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
  public readonly policyHcl?: pulumi.Output<string>;
  /** The store the tenant's ExternalSecrets use: its SecretStore (isolated) or the ClusterSecretStore (shared). */
  public readonly storeName: pulumi.Output<string>;
  /** HCL of the tenant's push policy; undefined without push. */
  public readonly pushPolicyHcl?: pulumi.Output<string>;
  /** HCL of the tenant's writer policy; undefined without writers. */
  public readonly writerPolicyHcl?: pulumi.Output<string>;
  /** The writers' Vault identity group name; undefined without writers. */
  public readonly writerGroupName?: pulumi.Output<string>;

  constructor(name: string, args: TenantNamespaceArgs, opts?: TenantNamespaceOptions) {
    const { storeDependsOn = opts?.backend ? [opts.backend.authConfig] : [], backend, ...componentOpts } = opts ?? {};
    // An Output where a plain value decides the graph is refused first: nothing below reads inside it.
    refuse("TenantNamespace", name, deferredProblems(args, TENANT_INPUTS));
    const where = { component: "TenantNamespace", name, problems: [] as string[] };
    const policyArgs = args.policy ?? { mode: TenantPolicyMode.perTenant };
    const storeArgs = args.store ?? { mode: TenantStoreMode.isolated };
    const checked = checkTenantArgs({ ...args, policy: policyArgs, store: storeArgs });
    where.problems.push(...checked.problems, ...vaultCaTrustProblems("ca", args.ca));
    const tokenReview = checkedPlain(where, "tokenReview", FIELD.tokenReview, args.tokenReview ?? backend?.tokenReviewMode);
    // Every value is checked with the config's schema: a known one here, before anything registers; an Output when it
    // resolves, failing the children it feeds before they reach the engine.
    const tenant = checkedInput(where, "name", FIELD.tenantName, args.name);
    const subtree = checkedInput(where, "subtree", FIELD.subtree, args.subtree);
    const owner = checkedInput(where, "owner", FIELD.owner, args.owner);
    const kvPath = checkedInput(where, "kvPath", FIELD.kvPath, args.kvPath ?? backend?.kvPath);
    const authPath = checkedInput(where, "authPath", FIELD.authPath, args.authPath ?? backend?.authPath);
    const audience = checkedInput(where, "audience", FIELD.audience, args.audience ?? backend?.audience);
    const apiAudiences = checkedInput(where, "apiAudiences", FIELD.apiAudiences, (args.apiAudiences ?? backend?.apiAudiences) as pulumi.Input<string[]> | undefined);
    const vaultServer = checkedInput(where, "vaultServer", FIELD.vaultServer, args.vaultServer);
    const vaultNamespace = checkedInput(where, "vaultNamespace", FIELD.vaultNamespace, args.vaultNamespace);
    const saName = checkedInput(where, "serviceAccountName", FIELD.tenantServiceAccountName, args.serviceAccountName);
    const ttl = checkedInput(where, "tokenTtlSeconds", FIELD.tokenTtlSeconds, args.tokenTtlSeconds);
    const maxTtl = checkedInput(where, "tokenMaxTtlSeconds", FIELD.tokenMaxTtlSeconds, args.tokenMaxTtlSeconds);
    const ttls = derive({ t: ttl, m: maxTtl }, ({ t, m }) => {
      if (t > m) throw new InputError(`TenantNamespace ${name}: tokenTtlSeconds: ${t} is longer than tokenMaxTtlSeconds ${m}. Fix: lower it or raise tokenMaxTtlSeconds`);
      return { t, m };
    });
    if (typeof args.tokenTtlSeconds === "number" && typeof args.tokenMaxTtlSeconds === "number" && args.tokenTtlSeconds > args.tokenMaxTtlSeconds) {
      where.problems.push(`tokenTtlSeconds: ${args.tokenTtlSeconds} is longer than tokenMaxTtlSeconds ${args.tokenMaxTtlSeconds}. Fix: lower it or raise tokenMaxTtlSeconds`);
    }
    const policyName =
      policyArgs.mode === "templated" ? checkedInput(where, "policy.policyName", FIELD.templatedPolicyName, policyArgs.policyName) : undefined;
    const clusterStoreName = storeArgs.mode === "shared" ? checkedInput(where, "store.clusterStoreName", FIELD.clusterStoreName, storeArgs.clusterStoreName) : undefined;
    const isolatedStoreName = checkedPlain(where, "store.name", FIELD.tenantStoreName, storeArgs.mode === "isolated" ? storeArgs.name : undefined);
    const developerRole = args.developerClusterRole === undefined ? undefined : checkedInput(where, "developerClusterRole", FIELD.developerClusterRole, args.developerClusterRole);
    const subjects = developerSubjects({ users: args.developers?.users ?? [], groups: args.developers?.groups ?? [] });
    if (subjects.length > 0 && developerRole === undefined) {
      where.problems.push(
        "developers: they are bound to a ClusterRole this component does not create. Fix: pass developerClusterRole (the name of a DeveloperClusterRole, or of your own ClusterRole)",
      );
    }
    const { externalSecrets, push, writers } = checked;
    if (push && storeArgs.mode !== "isolated") {
      where.problems.push("push: push needs the isolated store mode (a ClusterSecretStore identity would write for every namespace). Fix: drop push or use store.mode \"isolated\"");
    }
    const deleting = push?.secrets.find((ps) => ps.deletionPolicy === "Delete");
    if (deleting && !push!.allowDelete) {
      where.problems.push(`push.secrets: PushSecret ${deleting.name} uses deletionPolicy Delete, which needs push.allowDelete (the delete capability in Vault)`);
    }
    if (tokenReview === "clientJwt" && args.authDelegator === false) {
      where.problems.push(`authDelegator: with tokenReview "clientJwt" the tenant's token is the bearer of Vault's TokenReview call, which needs system:auth-delegator. Fix: drop authDelegator: false`);
    }
    // Every refusal comes before super(): nothing, not even the component, registers on bad input.
    refuse("TenantNamespace", name, where.problems);
    super("vault-eso:index:TenantNamespace", name, {}, opts === undefined ? undefined : componentOpts);
    const authDelegator = args.authDelegator ?? tokenReview === "clientJwt";
    const labels = derive({ t: tenant, o: owner }, ({ t, o }) => tenantLabels(t, o));
    // Every Vault name this tenant writes, from the one function the cross-stack ownership checks use too.
    const names = derive({ t: tenant }, ({ t }) => tenantVaultObjects({ name: t, policyMode: policyArgs.mode, authPath: "", push: push !== undefined, writers }));
    const vaultName = derive({ n: names }, ({ n }) => n.policy);
    const level = args.podSecurity ?? "restricted";

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: tenant,
          labels: derive({ l: labels }, ({ l }) => ({
            ...l,
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          })),
        },
      },
      // Offboarding keeps the team's namespace unless the config said otherwise at the last `up` (docs/operations.md#offboarding).
      { parent: this, retainOnDelete: args.deleteNamespaceOnRemoval !== true },
    );
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      // Only ESO requests tokens for it (TokenRequest); no pod mounts it.
      { metadata: { name: saName, namespace: tenant, labels }, automountServiceAccountToken: false },
      { parent: this, dependsOn: [ns] },
    );
    // With the client's JWT as reviewer, Vault's TokenReview needs this binding: the store
    // (which `pulumi up` waits on until ESO's login works) is created after it.
    const loginDeps: pulumi.Resource[] = [];
    if (authDelegator) {
      loginDeps.push(
        new k8s.rbac.v1.ClusterRoleBinding(
          `${name}-auth-delegator`,
          derive({ t: tenant, sn: saName, l: labels }, ({ t, sn, l }) => authDelegatorBinding(`vault-eso-auth-delegator-${t}`, { name: sn, namespace: t }, l)),
          { parent: this, dependsOn: [sa] },
        ),
      );
    }

    let rolePolicy: Checked<string>;
    if (policyName === undefined) {
      const hcl = derive({ vn: vaultName, kv: kvPath, st: subtree }, ({ vn, kv, st }) => renderPolicyHcl(tenantReadPolicy(vn, kv, st)));
      this.policyHcl = pulumi.output(hcl);
      rolePolicy = new vault.Policy(`${name}-policy`, { name: vaultName, policy: hcl }, { parent: this }).name;
    } else {
      rolePolicy = policyName;
    }

    const tokenPolicies: pulumi.Input<string>[] = [rolePolicy];
    if (push) {
      const pushName = derive({ n: names }, ({ n }) => n.pushPolicy!);
      const hcl = derive({ pn: pushName, kv: kvPath, st: subtree }, ({ pn, kv, st }) => renderPolicyHcl(tenantPushPolicy(pn, kv, st, push.allowDelete)));
      this.pushPolicyHcl = pulumi.output(hcl);
      tokenPolicies.push(new vault.Policy(`${name}-push-policy`, { name: pushName, policy: hcl }, { parent: this }).name);
    }

    if (writers) {
      const w = writers;
      const writerName = derive({ n: names }, ({ n }) => n.writerPolicy!);
      const hcl = derive({ pn: writerName, kv: kvPath, st: subtree }, ({ pn, kv, st }) => renderPolicyHcl(tenantWriterPolicy(pn, kv, st, w.allowDelete)));
      this.writerPolicyHcl = pulumi.output(hcl);
      const writerPolicy = new vault.Policy(`${name}-writer-policy`, { name: writerName, policy: hcl }, { parent: this });
      // external: Vault fills its members from the alias at each login (identity_store_groups.go: members of an
      // external group cannot be set by hand; identity_store_group_aliases.go: only external groups take an alias).
      const group = new vault.identity.Group(
        `${name}-writers`,
        { name: derive({ n: names }, ({ n }) => n.writerGroup!), type: "external", policies: [writerPolicy.name] },
        { parent: this },
      );
      new vault.identity.GroupAlias(`${name}-writers-alias`, { name: w.alias.name, mountAccessor: w.alias.mountAccessor, canonicalId: group.id }, { parent: this });
      this.writerGroupName = group.name;
    }

    const role = new vault.kubernetes.AuthBackendRole(
      `${name}-role`,
      {
        backend: authPath,
        roleName: vaultName,
        boundServiceAccountNames: [saName],
        boundServiceAccountNamespaces: [tenant],
        audience,
        aliasNameSource: "serviceaccount_uid",
        tokenPolicies,
        tokenTtl: derive({ v: ttls }, ({ v }) => v.t),
        tokenMaxTtl: derive({ v: ttls }, ({ v }) => v.m),
      },
      { parent: this },
    );

    let storeRef: { name: pulumi.Input<string>; kind: "SecretStore" | "ClusterSecretStore" };
    let storeDeps: pulumi.Resource[] = [];
    /** Dependants of `storeName` wait for the store itself. */
    let storeOutput: pulumi.Output<string>;
    if (clusterStoreName === undefined) {
      const storeName = isolatedStoreName!;
      let ca: Checked<VaultCaTrust | undefined> = derive({ c: args.ca as Checked<pulumi.Unwrap<VaultCaTrustOptions> | undefined> }, ({ c }) => toVaultCaTrust(c));
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
      const spec = derive({ authPath, roleName: role.roleName as Checked<string>, vaultServer, kvPath, saName, audience, apiAudiences, ca, vaultNamespace }, (v) =>
          tenantSecretStoreSpec({
            server: v.vaultServer,
            kvPath: v.kvPath,
            authPath: v.authPath,
            role: v.roleName,
            serviceAccountName: v.saName,
            audiences: storeTokenAudiences(tokenReview, v.audience, v.apiAudiences),
            ca: v.ca,
            vaultNamespace: v.vaultNamespace,
            checkAndSetRequired: args.checkAndSetRequired,
          }),
        );
      const store = new k8s.apiextensions.CustomResource(
        `${name}-store`,
        {
          apiVersion: ESO_API.stores,
          kind: "SecretStore",
          metadata: { name: storeName, namespace: tenant, labels, annotations: { "pulumi.com/waitFor": "condition=Ready" } },
          spec,
        },
        { parent: this, dependsOn: [ns, sa, ...loginDeps, ...caDeps, ...storeDependsOn] },
      );
      // The name is known here; the ExternalSecrets wait for the store through dependsOn.
      storeRef = { name: storeName, kind: "SecretStore" };
      storeDeps = [store];
      storeOutput = store.metadata.name;
    } else {
      storeRef = { name: clusterStoreName, kind: "ClusterSecretStore" };
      storeOutput = pulumi.output(clusterStoreName);
    }

    if (subjects.length > 0) {
      new k8s.rbac.v1.RoleBinding(
        `${name}-developers`,
        {
          metadata: { name: "developers", namespace: tenant, labels },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: developerRole! },
          subjects,
        },
        { parent: this, dependsOn: [ns] },
      );
    }

    const context = { t: tenant, st: subtree, storeName: storeRef.name as Checked<string>, l: labels };
    for (const es of externalSecrets) {
      const manifest = derive(context, ({ t, st, storeName, l }) =>
        externalSecretManifest(es, { namespace: t, subtree: st, storeRef: { name: storeName, kind: storeRef.kind }, labels: l }),
      );
      // The metadata never depends on the store: literal when the tenant's name is (even with an Output store name in
      // shared mode), so adoption can match the object by name and namespace (vault-backend/adopt.ts).
      const metadata = { name: es.name, namespace: tenant, labels };
      new k8s.apiextensions.CustomResource(
        `${name}-es-${es.name}`,
        {
          apiVersion: ESO_API.externalSecret,
          kind: "ExternalSecret",
          metadata,
          spec: manifest.spec,
        },
        { parent: this, dependsOn: [ns, ...storeDeps, ...storeDependsOn] },
      );
    }

    for (const ps of push?.secrets ?? []) {
      const manifest = derive(context, ({ t, st, storeName, l }) => pushSecretManifest(ps, { namespace: t, subtree: st, storeName, labels: l }));
      new k8s.apiextensions.CustomResource(
        `${name}-push-${ps.name}`,
        { apiVersion: ESO_API.pushSecret, kind: "PushSecret", metadata: { name: ps.name, namespace: tenant, labels }, spec: manifest.spec },
        { parent: this, dependsOn: [ns, ...storeDeps] },
      );
    }

    this.namespace = ns.metadata.name;
    this.roleName = role.roleName;
    this.policyName = pulumi.output(rolePolicy);
    this.storeName = storeOutput;
    this.registerOutputs({ namespace: this.namespace, roleName: this.roleName, policyName: this.policyName, storeName: this.storeName, writerGroupName: this.writerGroupName });
  }
}

/** A plain field checked with its config schema now (its problems join `where.problems`); returns the parsed value (defaults applied). */
function checkedPlain<T>(where: { problems: string[] }, field: string, schema: z.ZodType<T>, value: T | undefined): T {
  const r = zodProblems(field, schema, value);
  where.problems.push(...r.problems);
  return (r.problems.length ? value : r.data) as T;
}
