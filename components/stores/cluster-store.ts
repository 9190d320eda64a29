import * as k8s from "@pulumi/kubernetes";
import { checkedInput, derive, deferredProblems, refuse, type Checked } from "../config/component-inputs";
import { FIELD } from "../config/component-fields";
import * as pulumi from "@pulumi/pulumi";
import { clusterSecretStoreSpec, ESO_API, toVaultCaTrust, VaultCaTrustOptions, vaultCaTrustProblems, VaultStoreAuth } from "../eso/eso";
import { MANAGED_BY_LABELS } from "../config/options";
import { storeTokenAudiences, TokenReviewMode } from "../vault-backend/kubernetes-auth";

/** How a store logs in to Vault. */
export const ClusterStoreAuthKind = {
  /** Vault's Kubernetes auth, as a service account (ESO's own, normally). */
  kubernetes: "kubernetes",
  /** A Vault token in a Secret (the TokenRenewer variant). */
  token: "token",
} as const;
export type ClusterStoreAuthKind = (typeof ClusterStoreAuthKind)[keyof typeof ClusterStoreAuthKind];

/** A service account by name and namespace. */
export interface ServiceAccountRef {
  /** Service account name (`EsoInstall.serviceAccountName`). Default `external-secrets`. */
  readonly name?: pulumi.Input<string>;
  /** Its namespace (`EsoInstall.namespace`). Default `external-secrets`. */
  readonly namespace?: pulumi.Input<string>;
}

/** Where a Vault token lives: a key of a Secret. */
export interface TokenSecretRef {
  /** Secret name (`TokenRenewer.secretRef.name`). */
  readonly name: pulumi.Input<string>;
  /** Key of the token in the Secret. */
  readonly key: pulumi.Input<string>;
  /** Secret namespace. */
  readonly namespace: pulumi.Input<string>;
}

/**
 * How the store logs in to Vault. With `kind: "kubernetes"`: `mountPath`, `role`, `serviceAccount`, `audience`,
 * `tokenReview` and `apiAudiences` (each defaulting to the stack config's default); with `kind: "token"`:
 * `secretRef` only. Other combinations are refused when the component is constructed.
 */
export interface ClusterStoreAuth {
  /** `kubernetes` (service-account login) or `token` (a Vault token in a Secret). Decides the store's shape: a plain value. */
  readonly kind: ClusterStoreAuthKind;
  /** `kubernetes`: Kubernetes auth mount path (`VaultBackend.authPath`). Default `kubernetes`. */
  readonly mountPath?: pulumi.Input<string>;
  /** `kubernetes`: Vault role (`VaultBackend.esoRoleName`). Default `external-secrets`. */
  readonly role?: pulumi.Input<string>;
  /** `kubernetes`: the service account ESO requests a token for (ESO's own, normally). Default `external-secrets/external-secrets`. */
  readonly serviceAccount?: ServiceAccountRef;
  /** `kubernetes`: the role's `audience`; the requested token always carries it. Default `vault`. */
  readonly audience?: pulumi.Input<string>;
  /**
   * `kubernetes`: who reviews logins (`VaultBackend.tokenReviewMode`). With `clientJwt` the token ESO requests
   * also carries `apiAudiences` (it is the bearer of Vault's TokenReview call); with `reviewerServiceAccount` only `audience`.
   * Default `clientJwt`.
   */
  readonly tokenReview?: pulumi.Input<TokenReviewMode>;
  /** `kubernetes`: the API server's audiences. Default `["https://kubernetes.default.svc.cluster.local"]`. */
  readonly apiAudiences?: pulumi.Input<pulumi.Input<string>[]>;
  /** `token`: the Secret key holding the Vault token. */
  readonly secretRef?: TokenSecretRef;
}

/** Which namespaces may use a ClusterSecretStore (any condition matching allows). */
export interface ClusterStoreConditions {
  /** Namespaces by name (e.g. `TenantNamespace.namespace`). Default: none. */
  readonly namespaces?: pulumi.Input<pulumi.Input<string>[]>;
  /** Namespaces by labels (`matchLabels`). Default: none. */
  readonly namespaceSelector?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface ClusterStoreArgs {
  /** ClusterSecretStore name. Default `vault-backend`. */
  readonly name?: pulumi.Input<string>;
  /** Vault URL as ESO reaches it (full URL). */
  readonly server: pulumi.Input<string>;
  /** KV v2 mount path (mount only: ESO inserts `data/`; `VaultBackend.kvPath`). Default `secret`. */
  readonly mountPath?: pulumi.Input<string>;
  /** How the store logs in to Vault. */
  readonly auth: ClusterStoreAuth;
  /** TLS trust for Vault's certificate. Default: the system roots of ESO's image. */
  readonly ca?: VaultCaTrustOptions;
  /** Vault Enterprise namespace. */
  readonly vaultNamespace?: pulumi.Input<string>;
  /** The KV mount requires check-and-set (`kv.casRequired`): the store sends CAS on PushSecret writes. Default false. */
  readonly checkAndSetRequired?: boolean;
  /** Namespaces allowed to use the store. Default: none given, i.e. every namespace (guarded by config). */
  readonly conditions?: ClusterStoreConditions;
}

/** The args that take Outputs (every other field decides the store's shape and must be plain). */
const STORE_INPUTS = [
  "name", "server", "mountPath", "auth.mountPath", "auth.role", "auth.serviceAccount.name", "auth.serviceAccount.namespace", "auth.audience", "auth.tokenReview",
  "auth.apiAudiences", "auth.secretRef.name", "auth.secretRef.key", "auth.secretRef.namespace", "ca.pem", "ca.name", "ca.namespace", "vaultNamespace",
  "conditions.namespaces", "conditions.namespaceSelector",
] as const;

const STORES = new WeakMap<ClusterStore, k8s.apiextensions.CustomResource>();

/**
 * A `ClusterSecretStore` (`external-secrets.io/v1`) for Vault KV v2. It
 * carries `pulumi.com/waitFor: condition=Ready`, so `pulumi up` fails when
 * ESO cannot validate the store against Vault instead of reporting success.
 * Pass `dependsOn: [esoInstall]` so the CRDs and the webhook exist first.
 */
export class ClusterStore extends pulumi.ComponentResource {
  /** The ClusterSecretStore's name (what ExternalSecrets reference). */
  public readonly storeName: pulumi.Output<string>;
  /**
   * The ClusterSecretStore resource (for `dependsOn`). A getter, not a field: the component schema only carries
   * outputs of package resource types, and a CustomResource has none (analyzer.js getResourceType).
   */
  public get store(): k8s.apiextensions.CustomResource {
    return STORES.get(this)!;
  }

  constructor(name: string, args: ClusterStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    // An Output where a plain value decides the graph is refused first: nothing below reads inside it.
    refuse("ClusterStore", name, deferredProblems(args, STORE_INPUTS));
    const where = { component: "ClusterStore", name, problems: [...clusterStoreAuthProblems(args.auth), ...vaultCaTrustProblems("ca", args.ca)] };
    const storeName = checkedInput(where, "name", FIELD.clusterStoreName, args.name);
    const server = checkedInput(where, "server", FIELD.vaultServer, args.server);
    const mountPath = checkedInput(where, "mountPath", FIELD.kvPath, args.mountPath);
    const vaultNamespace = checkedInput(where, "vaultNamespace", FIELD.vaultNamespace, args.vaultNamespace);
    const auth = storeAuth(where, args.auth);
    refuse("ClusterStore", name, where.problems);
    super("vault-eso:index:ClusterStore", name, {}, opts);
    const spec = derive(
      {
        server,
        mountPath,
        auth,
        vaultNamespace,
        ca: args.ca as Checked<pulumi.Unwrap<VaultCaTrustOptions> | undefined>,
        conditions: args.conditions as Checked<pulumi.Unwrap<ClusterStoreConditions> | undefined>,
      },
      (v) =>
        clusterSecretStoreSpec(
          { server: v.server, mountPath: v.mountPath, auth: v.auth, ca: toVaultCaTrust(v.ca), namespace: v.vaultNamespace, checkAndSetRequired: args.checkAndSetRequired },
          v.conditions,
        ),
    );

    const store = new k8s.apiextensions.CustomResource(
      `${name}-store`,
      {
        apiVersion: ESO_API.stores,
        kind: "ClusterSecretStore",
        metadata: {
          name: storeName,
          labels: { ...MANAGED_BY_LABELS },
          annotations: { "pulumi.com/waitFor": "condition=Ready" },
        },
        spec,
      },
      { parent: this },
    );
    STORES.set(this, store);
    this.storeName = store.metadata.name;
    this.registerOutputs({ storeName: this.storeName });
  }
}

/** The store's login, each value checked with the config's schema (and its default). */
function storeAuth(where: { component: string; name: string; problems: string[] }, auth: ClusterStoreAuth): Checked<VaultStoreAuth> {
  if (auth.kind === "token") {
    const ref = auth.secretRef ?? { name: "", key: "", namespace: "" };
    return derive({ name: ref.name as Checked<string>, key: ref.key as Checked<string>, namespace: ref.namespace as Checked<string> }, (secretRef) => ({ kind: "token" as const, secretRef }));
  }
  const sa = auth.serviceAccount ?? {};
  const v = {
    mountPath: checkedInput(where, "auth.mountPath", FIELD.authPath, auth.mountPath),
    role: checkedInput(where, "auth.role", FIELD.esoRole, auth.role),
    name: checkedInput(where, "auth.serviceAccount.name", FIELD.esoServiceAccountName, sa.name),
    namespace: checkedInput(where, "auth.serviceAccount.namespace", FIELD.esoNamespace, sa.namespace),
    audience: checkedInput(where, "auth.audience", FIELD.audience, auth.audience),
    tokenReview: checkedInput(where, "auth.tokenReview", FIELD.tokenReview, auth.tokenReview),
    apiAudiences: checkedInput(where, "auth.apiAudiences", FIELD.apiAudiences, auth.apiAudiences as pulumi.Input<string[]> | undefined),
  };
  return derive(v, (r) => ({
    kind: "kubernetes" as const,
    mountPath: r.mountPath,
    role: r.role,
    serviceAccount: { name: r.name, namespace: r.namespace },
    audiences: storeTokenAudiences(r.tokenReview, r.audience, r.apiAudiences),
  }));
}

const KUBERNETES_AUTH_FIELDS = ["mountPath", "role", "serviceAccount", "audience", "tokenReview", "apiAudiences"] as const;

/** What is wrong with a store's `auth`: a field of the other kind, a missing field of its own, an unknown kind. */
export function clusterStoreAuthProblems(auth: ClusterStoreAuth): string[] {
  if (auth.kind === "kubernetes") {
    return auth.secretRef !== undefined ? [`auth.secretRef: only used with auth.kind "token"; drop it (or use kind "token" without the kubernetes fields)`] : [];
  }
  if (auth.kind === "token") {
    const problems: string[] = auth.secretRef === undefined ? [`auth.secretRef: required with auth.kind "token" (TokenRenewer.secretRef)`] : [];
    for (const k of KUBERNETES_AUTH_FIELDS) {
      if (auth[k] !== undefined) problems.push(`auth.${k}: only used with auth.kind "kubernetes", not "token"; drop it`);
    }
    return problems;
  }
  return [`auth.kind: "${String(auth.kind)}" is not a store auth kind; use "kubernetes" or "token"`];
}
