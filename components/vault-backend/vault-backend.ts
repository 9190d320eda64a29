import * as k8s from "@pulumi/kubernetes";
import { authDelegatorBinding } from "../../policies/k8s/rbac";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { renderPolicyHcl } from "../../policies/vault/hcl";
import { esoReadPolicy } from "../../policies/vault/builders";
import { MANAGED_BY_LABELS, USER_DATA_OPTIONS } from "../config/options";
import { DEFAULT_API_AUDIENCES, effectiveDisableLocalCaJwt, kubernetesAuthProblems, storeTokenAudiences, TokenReviewMode, VaultLocation, REVIEWER_NAME, reviewerTokenSecretName } from "./kubernetes-auth";
import { KUBERNETES_AUTH_DESCRIPTION, KV_MOUNT_DESCRIPTION } from "../config/config";
import type { KvMountOptions } from "./kv-options";
import { InputError } from "../config/errors";

/**
 * How Vault validates the service-account JWTs that clients log in with. `mode` picks the reviewer;
 * `namespace` and `jwt` belong to `reviewerServiceAccount` only (refused with `clientJwt`).
 */
export interface TokenReviewArgs {
  /**
   * `clientJwt`: Vault calls TokenReview with the client's own JWT; no long-lived token exists anywhere. Every
   * client service account (ESO's) must be bound to `system:auth-delegator` (EsoInstall's `systemAuthDelegator`),
   * and every client token must carry the API server's audience besides the role's (`storeAudiences`). Needs Vault
   * outside a pod, or `disableLocalCaJwt` (set by default with `vaultRunsIn: "cluster"`).
   * `reviewerServiceAccount`: a dedicated reviewer service account, bound to `system:auth-delegator`, whose
   * long-lived token (a `kubernetes.io/service-account-token` Secret) Vault uses for every TokenReview.
   */
  readonly mode: TokenReviewMode;
  /** `reviewerServiceAccount` only: namespace created for the reviewer service account. Default `vault-auth`. */
  readonly namespace?: string;
  /** `reviewerServiceAccount` only: bring your own reviewer JWT (a Pulumi secret) instead of creating the service account. Default: none. */
  readonly jwt?: pulumi.Input<string>;
  /**
   * `reviewerServiceAccount` only: rotation generation of the reviewer's token Secret. Raise it by one to rotate:
   * the Secret is replaced (create the new token, update Vault's auth config, delete the old Secret). Default 1.
   */
  readonly tokenGeneration?: number;
}

/** The ESO identity in Vault: who may log in, and what it may read. */
export interface EsoIdentityArgs {
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
  readonly extraReadSubtrees?: string[];
  /** JWT audience the role requires. */
  readonly audience: string;
  /** Token TTL in seconds. */
  readonly tokenTtlSeconds: number;
  /** Token max TTL in seconds. */
  readonly tokenMaxTtlSeconds: number;
}

export interface VaultBackendArgs {
  /** KV v2 mount path (the mount only, no slash). Default `secret`. */
  readonly kvPath?: string;
  /**
   * Description of the KV mount. Default: "KV v2 for External Secrets Operator (managed by vault-eso)".
   * When the mount is adopted (imported), it must be the existing mount's description.
   */
  readonly kvDescription?: string;
  /**
   * Description of the Kubernetes auth method. Default: "Kubernetes service-account login (managed by vault-eso)".
   * When the auth method is adopted (imported), it must be its existing description.
   */
  readonly kubernetesAuthDescription?: string;
  /**
   * The KV mount's settings (`max_versions`, `cas_required`, `delete_version_after` in seconds), written to
   * `<mount>/config` by a `vault.kv.SecretBackendV2`. Default: none, and nothing is written (Vault's defaults:
   * 10 versions, no CAS, versions kept forever). When given, an unset field is written as Vault's default.
   */
  readonly kvOptions?: KvMountOptions;
  /** Kubernetes auth mount path. Default `kubernetes`. */
  readonly kubernetesAuthPath?: string;
  /** The Kubernetes API URL as Vault reaches it. */
  readonly kubernetesHost: string;
  /**
   * Where Vault runs: `external` (not in a pod of this cluster) or `cluster`.
   * Outside a pod Vault has no local CA to fall back on, so `kubernetesCaCert`
   * is required (or `disableLocalCaJwt: true` to use the system roots). Default `external`.
   */
  readonly vaultRunsIn?: VaultLocation;
  /**
   * PEM CA of the Kubernetes API. Required with `vaultRunsIn: "external"` (unless
   * `disableLocalCaJwt` is true). Default: none (in a pod, Vault reads its pod's CA).
   */
  readonly kubernetesCaCert?: pulumi.Input<string>;
  /** Expected JWT issuer. Default: unset. */
  readonly issuer?: string;
  /** Default: Vault's default (true since 1.9). */
  readonly disableIssValidation?: boolean;
  /**
   * Stop Vault from using its pod's CA and token. Default: true with
   * `vaultRunsIn: "cluster"` and `clientJwt` review (else Vault would review with
   * its own pod token), false otherwise. Without a CA, true means the system roots.
   */
  readonly disableLocalCaJwt?: boolean;
  /**
   * The API server's audiences (`--api-audiences`, default its issuer), added to
   * `storeAudiences` in `clientJwt` mode. Default `["https://kubernetes.default.svc.cluster.local"]`
   * (kind, kubeadm); read yours with `kubectl get --raw /.well-known/openid-configuration | jq -r .issuer`.
   */
  readonly apiAudiences?: string[];
  /** Token review mode. */
  readonly tokenReview: TokenReviewArgs;
  /** The ESO identity: who may log in, and what it may read. */
  readonly eso: EsoIdentityArgs;
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
  /** Name of the ESO read policy. */
  public readonly esoPolicyName: pulumi.Output<string>;
  /** Name of the ESO Kubernetes auth role. */
  public readonly esoRoleName: pulumi.Output<string>;
  /** The HCL written to Vault for the ESO policy. */
  public readonly esoPolicyHcl: string;
  /** The mount resource, for `dependsOn` by tenant policies. */
  public readonly kvMount: vault.Mount;
  /** The Kubernetes auth mount. */
  public readonly authBackend: vault.AuthBackend;
  /** The Kubernetes auth config: stores wait for it so their first validation (a Vault login) can succeed. */
  public readonly authConfig: vault.kubernetes.AuthBackendConfig;
  /** Who reviews logins; pass it to ClusterStore and TenantNamespace. */
  public readonly tokenReviewMode: TokenReviewMode;
  /** The audiences a store logging in as ESO must request (`serviceAccountRef.audiences`). */
  public readonly storeAudiences: string[];

  constructor(name: string, args: VaultBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refuse what Vault would refuse (or review with the wrong identity) before anything registers.
    const shape = {
      vaultRunsIn: args.vaultRunsIn ?? "external",
      tokenReview: args.tokenReview.mode,
      hasCaCert: args.kubernetesCaCert !== undefined,
      disableLocalCaJwt: args.disableLocalCaJwt,
    };
    const problems = kubernetesAuthProblems(shape).map((p) => `${p.field === "caCert" ? "kubernetesCaCert" : p.field}: ${p.message}`);
    problems.push(...tokenReviewProblems(args.tokenReview));
    if (problems.length > 0) {
      throw new InputError(`VaultBackend ${name}: ${problems.join("; ")}`);
    }
    super("vault-eso:index:VaultBackend", name, {}, opts);
    const kvPath = args.kvPath ?? "secret";
    const authPath = args.kubernetesAuthPath ?? "kubernetes";
    this.tokenReviewMode = args.tokenReview.mode;
    this.storeAudiences = storeTokenAudiences(args.tokenReview.mode, args.eso.audience, args.apiAudiences ?? DEFAULT_API_AUDIENCES);

    this.kvMount = new vault.Mount(
      `${name}-kv`,
      {
        path: kvPath,
        type: "kv",
        options: { version: "2" },
        description: args.kvDescription ?? KV_MOUNT_DESCRIPTION,
      },
      { parent: this, ...USER_DATA_OPTIONS },
    );

    if (args.kvOptions) {
      // terraform-provider-vault resource_kv_secret_backend_v2.go: a write of <mount>/config (an upsert, also on an
      // adopted mount); its Delete sends nothing, so dropping the options leaves the mount's settings as they are.
      new vault.kv.SecretBackendV2(
        `${name}-kv-config`,
        {
          mount: this.kvMount.path,
          maxVersions: args.kvOptions.maxVersions,
          casRequired: args.kvOptions.casRequired,
          deleteVersionAfter: args.kvOptions.deleteVersionAfterSeconds,
        },
        { parent: this },
      );
    }

    this.authBackend = new vault.AuthBackend(
      `${name}-k8s-auth`,
      { type: "kubernetes", path: authPath, description: args.kubernetesAuthDescription ?? KUBERNETES_AUTH_DESCRIPTION },
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
        disableLocalCaJwt: effectiveDisableLocalCaJwt(shape),
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

  /** Returns the reviewer JWT (a secret) with `reviewerServiceAccount`, `undefined` with `clientJwt`. */
  private tokenReviewer(name: string, review: TokenReviewArgs): pulumi.Output<string> | undefined {
    if (review.mode !== "reviewerServiceAccount") return undefined;
    if (review.jwt !== undefined) return pulumi.secret(review.jwt);

    const namespace = review.namespace ?? "vault-auth";
    const labels = { ...MANAGED_BY_LABELS, "app.kubernetes.io/component": "vault-token-reviewer" };
    const ns = new k8s.core.v1.Namespace(`${name}-reviewer-ns`, { metadata: { name: namespace, labels } }, { parent: this });
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-reviewer`,
      // The reviewer never runs a pod: no token is mounted anywhere.
      { metadata: { name: REVIEWER_NAME, namespace: ns.metadata.name, labels }, automountServiceAccountToken: false },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-reviewer-auth-delegator`,
      authDelegatorBinding(`vault-token-reviewer-${namespace}`, { name: sa.metadata.name, namespace: sa.metadata.namespace }, labels),
      { parent: this },
    );
    const secretName = reviewerTokenSecretName(review.tokenGeneration ?? 1);
    // One logical resource whatever the generation: a new name makes Pulumi replace it create-before-delete
    // (pulumi-kubernetes diff.go forceNewProperties: metadata.name), so Vault never holds a deleted token.
    const tokenSecret = new k8s.core.v1.Secret(
      `${name}-reviewer-token`,
      {
        metadata: {
          name: secretName,
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
        if (!token) throw new InputError(`Secret ${namespace}/${secretName} has no token yet: the service-account token controller did not populate it`);
        if (!token) throw new InputError(`Secret ${namespace}/vault-token-reviewer has no token yet: the service-account token controller did not populate it`);
        return Buffer.from(token, "base64").toString("utf8");
      }),
    );
  }
}

/** What is wrong with a `tokenReview` (the fields of one mode given with the other, an unknown mode). */
export function tokenReviewProblems(review: TokenReviewArgs): string[] {
  if (review.mode === "reviewerServiceAccount") {
    const g = review.tokenGeneration;
    if (g !== undefined && (!Number.isInteger(g) || g < 1)) return [`tokenReview.tokenGeneration: ${g} is not a whole number >= 1; raise it by one from the current generation (default 1) to rotate`];
    if (g !== undefined && review.jwt !== undefined) return ["tokenReview.tokenGeneration: a reviewer JWT you bring (tokenReview.jwt) is not created here; drop tokenGeneration and pass the new JWT to rotate it"];
    return [];
  }
  if (review.mode !== "clientJwt") return [`tokenReview.mode: "${String(review.mode)}" is not a token review mode; use "clientJwt" or "reviewerServiceAccount"`];
  return (["namespace", "jwt", "tokenGeneration"] as const)
    .filter((k) => review[k] !== undefined)
    .map((k) => `tokenReview.${k}: only used with mode "reviewerServiceAccount" (the reviewer service account), not with "clientJwt"; drop it or switch the mode`);
}
