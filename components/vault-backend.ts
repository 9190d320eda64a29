import * as k8s from "@pulumi/kubernetes";
import { authDelegatorBinding } from "../policies/k8s/rbac";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { renderPolicyHcl } from "../policies/vault/hcl";
import { esoReadPolicy } from "../policies/vault/builders";
import { MANAGED_BY_LABELS, USER_DATA_OPTIONS } from "./lib/options";
import { InputError } from "./lib/errors";

/** How Vault validates the service-account JWTs that clients log in with. */
export type TokenReviewArgs =
  | {
      /**
       * Vault calls TokenReview with the client's own JWT; no long-lived token
       * exists anywhere. Every client service account (ESO's) must be bound to
       * `system:auth-delegator` (EsoInstall's `systemAuthDelegator`).
       */
      readonly mode: "clientJwt";
    }
  | {
      /**
       * A dedicated reviewer service account, bound to `system:auth-delegator`,
       * whose long-lived token (a `kubernetes.io/service-account-token` Secret)
       * Vault uses for every TokenReview.
       */
      readonly mode: "reviewerServiceAccount";
      /** Namespace created for the reviewer service account. Default `vault-auth`. */
      readonly namespace?: string;
      /** Bring your own reviewer JWT (a Pulumi secret) instead of creating the service account. */
      readonly jwt?: pulumi.Input<string>;
    };

export interface VaultBackendArgs {
  /** KV v2 mount path (the mount only, no slash). Default `secret`. */
  readonly kvPath?: string;
  /** Kubernetes auth mount path. Default `kubernetes`. */
  readonly kubernetesAuthPath?: string;
  /** The Kubernetes API URL as Vault reaches it. */
  readonly kubernetesHost: string;
  /** PEM CA of the Kubernetes API. Default: none (Vault's local CA when it runs in-cluster). */
  readonly kubernetesCaCert?: pulumi.Input<string>;
  /** Expected JWT issuer. Default: unset. */
  readonly issuer?: string;
  /** Default: Vault's default (true since 1.9). */
  readonly disableIssValidation?: boolean;
  /** Set true when Vault runs in-cluster and must not use its own pod token as reviewer. Default false. */
  readonly disableLocalCaJwt?: boolean;
  /** Token review mode. */
  readonly tokenReview: TokenReviewArgs;
  /** The ESO identity: who may log in, and what it may read. */
  readonly eso: {
    /** ESO's namespace. */
    readonly namespace: string;
    /** ESO's service account. */
    readonly serviceAccountName: string;
    /** Vault role name. */
    readonly role: string;
    /** Vault policy name. */
    readonly policy: string;
    /** Subtree of the KV mount ESO may read (`<mount>/data/<scope>/*`). */
    readonly scope: string;
    /** More subtrees ESO itself may read (tenants in shared mode). Default: none. */
    readonly extraReadSubtrees?: readonly string[];
    /** JWT audience the role requires. */
    readonly audience: string;
    /** Token TTL in seconds. */
    readonly tokenTtlSeconds: number;
    /** Token max TTL in seconds. */
    readonly tokenMaxTtlSeconds: number;
  };
}

/**
 * Vault's side of the platform: the KV v2 mount (protected, retained on
 * delete), the Kubernetes auth mount and its config, the token reviewer, the
 * ESO read policy and the ESO auth role.
 */
export class VaultBackend extends pulumi.ComponentResource {
  /** KV v2 mount path. */
  public readonly kvPath: pulumi.Output<string>;
  /** Kubernetes auth mount path. */
  public readonly authPath: pulumi.Output<string>;
  /** Kubernetes auth mount accessor (for identity-templated policies). */
  public readonly authAccessor: pulumi.Output<string>;
  public readonly esoPolicyName: pulumi.Output<string>;
  public readonly esoRoleName: pulumi.Output<string>;
  /** The HCL written to Vault for the ESO policy. */
  public readonly esoPolicyHcl: string;
  /** The mount resource, for `dependsOn` by tenant policies. */
  public readonly kvMount: vault.Mount;
  public readonly authBackend: vault.AuthBackend;
  /** The Kubernetes auth config: stores wait for it so their first validation (a Vault login) can succeed. */
  public readonly authConfig: vault.kubernetes.AuthBackendConfig;

  constructor(name: string, args: VaultBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vault-eso:index:VaultBackend", name, {}, opts);
    const kvPath = args.kvPath ?? "secret";
    const authPath = args.kubernetesAuthPath ?? "kubernetes";

    this.kvMount = new vault.Mount(
      `${name}-kv`,
      {
        path: kvPath,
        type: "kv",
        options: { version: "2" },
        description: "KV v2 for External Secrets Operator (managed by vault-eso)",
      },
      { parent: this, ...USER_DATA_OPTIONS },
    );

    this.authBackend = new vault.AuthBackend(
      `${name}-k8s-auth`,
      { type: "kubernetes", path: authPath, description: "Kubernetes service-account login (managed by vault-eso)" },
      { parent: this },
    );

    const reviewerJwt = this.tokenReviewer(name, args.tokenReview);

    const authConfig = (this.authConfig = new vault.kubernetes.AuthBackendConfig(
      `${name}-k8s-auth-config`,
      {
        backend: this.authBackend.path,
        kubernetesHost: args.kubernetesHost,
        kubernetesCaCert: args.kubernetesCaCert,
        tokenReviewerJwt: reviewerJwt,
        issuer: args.issuer,
        disableIssValidation: args.disableIssValidation,
        disableLocalCaJwt: args.disableLocalCaJwt ?? false,
      },
      { parent: this, additionalSecretOutputs: ["tokenReviewerJwt"] },
    ));

    const policyModel = esoReadPolicy(args.eso.policy, kvPath, args.eso.scope, args.eso.extraReadSubtrees);
    this.esoPolicyHcl = renderPolicyHcl(policyModel);
    const policy = new vault.Policy(
      `${name}-eso-policy`,
      { name: policyModel.name, policy: this.esoPolicyHcl },
      { parent: this, dependsOn: [this.kvMount] },
    );

    const role = new vault.kubernetes.AuthBackendRole(
      `${name}-eso-role`,
      {
        backend: this.authBackend.path,
        roleName: args.eso.role,
        boundServiceAccountNames: [args.eso.serviceAccountName],
        boundServiceAccountNamespaces: [args.eso.namespace],
        audience: args.eso.audience,
        aliasNameSource: "serviceaccount_uid",
        tokenPolicies: [policy.name],
        tokenTtl: args.eso.tokenTtlSeconds,
        tokenMaxTtl: args.eso.tokenMaxTtlSeconds,
      },
      { parent: this, dependsOn: [authConfig] },
    );

    this.kvPath = this.kvMount.path;
    this.authPath = this.authBackend.path;
    this.authAccessor = this.authBackend.accessor;
    this.esoPolicyName = policy.name;
    this.esoRoleName = role.roleName;
    this.registerOutputs({
      kvPath: this.kvPath,
      authPath: this.authPath,
      authAccessor: this.authAccessor,
      esoPolicyName: this.esoPolicyName,
      esoRoleName: this.esoRoleName,
    });
  }

  /** Returns the reviewer JWT (a secret) for mode (b), `undefined` for mode (a). */
  private tokenReviewer(name: string, review: TokenReviewArgs): pulumi.Output<string> | undefined {
    if (review.mode === "clientJwt") return undefined;
    if (review.jwt !== undefined) return pulumi.secret(review.jwt);

    const namespace = review.namespace ?? "vault-auth";
    const labels = { ...MANAGED_BY_LABELS, "app.kubernetes.io/component": "vault-token-reviewer" };
    const ns = new k8s.core.v1.Namespace(`${name}-reviewer-ns`, { metadata: { name: namespace, labels } }, { parent: this });
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-reviewer`,
      // The reviewer never runs a pod: no token is mounted anywhere.
      { metadata: { name: "vault-token-reviewer", namespace: ns.metadata.name, labels }, automountServiceAccountToken: false },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-reviewer-auth-delegator`,
      authDelegatorBinding(`vault-token-reviewer-${namespace}`, { name: sa.metadata.name, namespace: sa.metadata.namespace }, labels),
      { parent: this },
    );
    const tokenSecret = new k8s.core.v1.Secret(
      `${name}-reviewer-token`,
      {
        metadata: {
          name: "vault-token-reviewer",
          namespace: sa.metadata.namespace,
          labels,
          annotations: { "kubernetes.io/service-account.name": sa.metadata.name },
        },
        type: "kubernetes.io/service-account-token",
      },
      // The token controller fills `data.token`; Pulumi awaits it (pulumi-kubernetes#2048).
      { parent: this, additionalSecretOutputs: ["data"] },
    );
    return pulumi.secret(
      tokenSecret.data.apply((d) => {
        const token = d?.["token"];
        if (!token) throw new InputError(`Secret ${namespace}/vault-token-reviewer has no token yet: the service-account token controller did not populate it`);
        return Buffer.from(token, "base64").toString("utf8");
      }),
    );
  }
}
