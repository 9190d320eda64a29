import * as k8s from "@pulumi/kubernetes";
import { InputError } from "../config/errors";
import * as pulumi from "@pulumi/pulumi";
import { clusterSecretStoreSpec, ESO_API, toVaultCaTrust, VaultCaTrustArgs, vaultCaTrustProblems, VaultStoreAuth } from "../eso/eso";
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
  /** Service account name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
}

/** Where a Vault token lives: a key of a Secret. */
export interface TokenSecretRef {
  /** Secret name (`TokenRenewer.secretRef.name`). */
  readonly name: pulumi.Input<string>;
  /** Key of the token in the Secret. */
  readonly key: string;
  /** Secret namespace. */
  readonly namespace: pulumi.Input<string>;
}

/**
 * How the store logs in to Vault. With `kind: "kubernetes"`: `mountPath`, `role`, `serviceAccount`, `audience`
 * and `tokenReview` (and optionally `apiAudiences`); with `kind: "token"`: `secretRef` only. Other combinations
 * are refused when the component is constructed.
 */
export interface ClusterStoreAuth {
  /** `kubernetes` (service-account login) or `token` (a Vault token in a Secret). */
  readonly kind: ClusterStoreAuthKind;
  /** `kubernetes`: Kubernetes auth mount path. */
  readonly mountPath?: pulumi.Input<string>;
  /** `kubernetes`: Vault role. */
  readonly role?: pulumi.Input<string>;
  /** `kubernetes`: the service account ESO requests a token for (ESO's own, normally). */
  readonly serviceAccount?: ServiceAccountRef;
  /** `kubernetes`: the role's `audience`; the requested token always carries it. */
  readonly audience?: string;
  /**
   * `kubernetes`: who reviews logins (`VaultBackend.tokenReviewMode`). With `clientJwt` the token ESO requests
   * also carries `apiAudiences` (it is the bearer of Vault's TokenReview call); with `reviewerServiceAccount` only `audience`.
   */
  readonly tokenReview?: TokenReviewMode;
  /** `kubernetes`: the API server's audiences. Default `["https://kubernetes.default.svc.cluster.local"]`. */
  readonly apiAudiences?: string[];
  /** `token`: the Secret key holding the Vault token. */
  readonly secretRef?: TokenSecretRef;
}

/** Which namespaces may use a ClusterSecretStore (any condition matching allows). */
export interface ClusterStoreConditions {
  /** Namespaces by name. Default: none. */
  readonly namespaces?: string[];
  /** Namespaces by labels (`matchLabels`). Default: none. */
  readonly namespaceSelector?: Record<string, string>;
}

export interface ClusterStoreArgs {
  /** ClusterSecretStore name. Default `vault-backend`. */
  readonly name?: string;
  /** Vault URL as ESO reaches it (full URL). */
  readonly server: string;
  /** KV v2 mount path (mount only: ESO inserts `data/`). */
  readonly mountPath: pulumi.Input<string>;
  /** How the store logs in to Vault. */
  readonly auth: ClusterStoreAuth;
  /** TLS trust for Vault's certificate. Default: the system roots of ESO's image. */
  readonly ca?: VaultCaTrustArgs;
  /** Vault Enterprise namespace. */
  readonly vaultNamespace?: string;
  /** The KV mount requires check-and-set (`kv.casRequired`): the store sends CAS on PushSecret writes. Default false. */
  readonly checkAndSetRequired?: boolean;
  /** Namespaces allowed to use the store. Default: none given, i.e. every namespace (guarded by config). */
  readonly conditions?: ClusterStoreConditions;
}

/**
 * A `ClusterSecretStore` (`external-secrets.io/v1`) for Vault KV v2. It
 * carries `pulumi.com/waitFor: condition=Ready`, so `pulumi up` fails when
 * ESO cannot validate the store against Vault instead of reporting success.
 * Pass `dependsOn: [esoInstall]` so the CRDs and the webhook exist first.
 */
const STORES = new WeakMap<ClusterStore, k8s.apiextensions.CustomResource>();

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
    const problems = [...clusterStoreAuthProblems(args.auth), ...vaultCaTrustProblems("ca", args.ca)];
    if (problems.length > 0) throw new InputError(`ClusterStore ${name}: ${problems.join("; ")}`);
    super("vault-eso:index:ClusterStore", name, {}, opts);
    const auth = args.auth;
    const spec = pulumi.output(args.mountPath).apply((mountPath) =>
      authInputs(auth).apply((resolved: VaultStoreAuth) =>
        clusterSecretStoreSpec(
          { server: args.server, mountPath, auth: resolved, ca: toVaultCaTrust(args.ca), namespace: args.vaultNamespace, checkAndSetRequired: args.checkAndSetRequired },
          args.conditions,
        ),
      ),
    );

    const store = new k8s.apiextensions.CustomResource(
      `${name}-store`,
      {
        apiVersion: ESO_API.stores,
        kind: "ClusterSecretStore",
        metadata: {
          name: args.name ?? "vault-backend",
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

function authInputs(auth: ClusterStoreAuth): pulumi.Output<VaultStoreAuth> {
  if (auth.kind === "kubernetes") {
    // clusterStoreAuthProblems has checked that every kubernetes field is there.
    const sa = auth.serviceAccount!;
    return pulumi.all([auth.mountPath!, auth.role!]).apply(([mountPath, role]) => ({
      kind: "kubernetes" as const,
      mountPath,
      role,
      serviceAccount: { name: sa.name, namespace: sa.namespace },
      audiences: storeTokenAudiences(auth.tokenReview!, auth.audience!, auth.apiAudiences),
    }));
  }
  const ref = auth.secretRef!;
  return pulumi.all([ref.name, ref.namespace]).apply(([name, namespace]) => ({
    kind: "token" as const,
    secretRef: { name, key: ref.key, namespace },
  }));
}

const KUBERNETES_AUTH_FIELDS = ["mountPath", "role", "serviceAccount", "audience", "tokenReview"] as const;

/** What is wrong with a store's `auth`: a field of the other kind, a missing field of its own, an unknown kind or review mode. */
export function clusterStoreAuthProblems(auth: ClusterStoreAuth): string[] {
  if (auth.kind === "kubernetes") {
    const problems: string[] = KUBERNETES_AUTH_FIELDS.filter((k) => auth[k] === undefined).map((k) => `auth.${k}: required with auth.kind "kubernetes"`);
    if (auth.secretRef !== undefined) problems.push(`auth.secretRef: only used with auth.kind "token"; drop it (or use kind "token" without the kubernetes fields)`);
    if (auth.tokenReview !== undefined && auth.tokenReview !== "clientJwt" && auth.tokenReview !== "reviewerServiceAccount") {
      problems.push(`auth.tokenReview: "${String(auth.tokenReview)}" is not a token review mode; use "clientJwt" or "reviewerServiceAccount"`);
    }
    return problems;
  }
  if (auth.kind === "token") {
    const problems: string[] = auth.secretRef === undefined ? [`auth.secretRef: required with auth.kind "token" (TokenRenewer.secretRef)`] : [];
    for (const k of [...KUBERNETES_AUTH_FIELDS, "apiAudiences"] as const) {
      if (auth[k] !== undefined) problems.push(`auth.${k}: only used with auth.kind "kubernetes", not "token"; drop it`);
    }
    return problems;
  }
  return [`auth.kind: "${String(auth.kind)}" is not a store auth kind; use "kubernetes" or "token"`];
}
