import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterSecretStoreSpec, ESO_API, StoreConditions, VaultCaTrust, VaultStoreAuth } from "./lib/eso";
import { MANAGED_BY_LABELS } from "./lib/options";
import { storeTokenAudiences, TokenReviewMode } from "./lib/kubernetes-auth";

/** How the store logs in to Vault. */
export type ClusterStoreAuth =
  | {
      readonly kind: "kubernetes";
      /** Kubernetes auth mount path. */
      readonly mountPath: pulumi.Input<string>;
      /** Vault role. */
      readonly role: pulumi.Input<string>;
      /** The service account ESO requests a token for (ESO's own, normally). */
      readonly serviceAccount: { readonly name: string; readonly namespace: string };
      /** The role's `audience`; the requested token always carries it. */
      readonly audience: string;
      /**
       * Who reviews logins (`VaultBackend.tokenReviewMode`). With `clientJwt` the
       * token ESO requests also carries `apiAudiences` (it is the bearer of Vault's
       * TokenReview call); with `reviewerServiceAccount` only `audience`.
       */
      readonly tokenReview: TokenReviewMode;
      /** The API server's audiences. Default `["https://kubernetes.default.svc.cluster.local"]`. */
      readonly apiAudiences?: readonly string[];
    }
  | {
      /** A Vault token in a Secret (the TokenRenewer variant). */
      readonly kind: "token";
      readonly secretRef: { readonly name: pulumi.Input<string>; readonly key: string; readonly namespace: pulumi.Input<string> };
    };

export interface ClusterStoreArgs {
  /** ClusterSecretStore name. Default `vault-backend`. */
  readonly name?: string;
  /** Vault URL as ESO reaches it (full URL). */
  readonly server: string;
  /** KV v2 mount path (mount only: ESO inserts `data/`). */
  readonly mountPath: pulumi.Input<string>;
  readonly auth: ClusterStoreAuth;
  /** TLS trust for Vault's certificate. Default: the system roots of ESO's image. */
  readonly ca?: VaultCaTrust;
  /** Vault Enterprise namespace. */
  readonly vaultNamespace?: string;
  /** The KV mount requires check-and-set (`kv.casRequired`): the store sends CAS on PushSecret writes. Default false. */
  readonly checkAndSetRequired?: boolean;
  /** Namespaces allowed to use the store. Default: none given, i.e. every namespace (guarded by config). */
  readonly conditions?: StoreConditions;
}

/**
 * A `ClusterSecretStore` (`external-secrets.io/v1`) for Vault KV v2. It
 * carries `pulumi.com/waitFor: condition=Ready`, so `pulumi up` fails when
 * ESO cannot validate the store against Vault instead of reporting success.
 * Pass `dependsOn: [esoInstall]` so the CRDs and the webhook exist first.
 */
export class ClusterStore extends pulumi.ComponentResource {
  public readonly storeName: pulumi.Output<string>;
  public readonly store: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ClusterStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vault-eso:index:ClusterStore", name, {}, opts);
    const auth = args.auth;
    const spec = pulumi.output(args.mountPath).apply((mountPath) =>
      authInputs(auth).apply((resolved: VaultStoreAuth) =>
        clusterSecretStoreSpec(
          { server: args.server, mountPath, auth: resolved, ca: args.ca, namespace: args.vaultNamespace, checkAndSetRequired: args.checkAndSetRequired },
          args.conditions,
        ),
      ),
    );

    this.store = new k8s.apiextensions.CustomResource(
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
    this.storeName = this.store.metadata.name;
    this.registerOutputs({ storeName: this.storeName });
  }
}

function authInputs(auth: ClusterStoreAuth): pulumi.Output<VaultStoreAuth> {
  if (auth.kind === "kubernetes") {
    return pulumi.all([auth.mountPath, auth.role]).apply(([mountPath, role]) => ({
      kind: "kubernetes" as const,
      mountPath,
      role,
      serviceAccount: auth.serviceAccount,
      audiences: storeTokenAudiences(auth.tokenReview, auth.audience, auth.apiAudiences),
    }));
  }
  return pulumi.all([auth.secretRef.name, auth.secretRef.namespace]).apply(([name, namespace]) => ({
    kind: "token" as const,
    secretRef: { name, key: auth.secretRef.key, namespace },
  }));
}
