import * as k8s from "@pulumi/kubernetes";
import { authDelegatorBinding } from "../../policies/k8s/rbac";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { renderPolicyHcl } from "../../policies/vault/hcl";
import { esoReadPolicy } from "../../policies/vault/builders";
import { MANAGED_BY_LABELS, USER_DATA_OPTIONS } from "../config/options";
import { effectiveDisableLocalCaJwt, kubernetesAuthProblems, storeTokenAudiences, TokenReviewMode, VaultLocation, REVIEWER_NAME, reviewerTokenSecretName } from "./kubernetes-auth";
import { KUBERNETES_AUTH_DESCRIPTION, KV_MOUNT_DESCRIPTION } from "../config/config";
import type { KvMountOptions } from "./kv-options";
import { InputError } from "../config/errors";
import { z } from "zod";
import { checkedInput, derive, deferredProblems, refuse } from "../config/component-inputs";
import { FIELD } from "../config/component-fields";

/**
 * How Vault validates the service-account JWTs that clients log in with. `mode` picks the reviewer;
 * `namespace` and `jwt` belong to `reviewerServiceAccount` only (refused with `clientJwt`).
 */
export interface TokenReview {
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
  readonly namespace?: pulumi.Input<string>;
  /** `reviewerServiceAccount` only: bring your own reviewer JWT (a Pulumi secret) instead of creating the service account. Default: none. */
  readonly jwt?: pulumi.Input<string>;
  /**
   * `reviewerServiceAccount` only: rotation generation of the reviewer's token Secret. Raise it by one to rotate:
   * the Secret is replaced (create the new token, update Vault's auth config, delete the old Secret). Default 1.
   */
  readonly tokenGeneration?: number;
}

/** The ESO identity in Vault: who may log in, and what it may read. Every field defaults to the stack config's default. */
export interface EsoIdentity {
  /** ESO's namespace (`EsoInstall.namespace`). Default `external-secrets`. */
  readonly namespace?: pulumi.Input<string>;
  /** ESO's service account (`EsoInstall.serviceAccountName`). Default `external-secrets`. */
  readonly serviceAccountName?: pulumi.Input<string>;
  /** Vault role name. Default `external-secrets`. */
  readonly role?: pulumi.Input<string>;
  /** Vault policy name (lower-case; not `root`/`default`). Default `external-secrets-read`. */
  readonly policy?: pulumi.Input<string>;
  /** Subtree of the KV mount ESO may read (`<mount>/data/<scope>/*`; no `*`, `+`, `..`). Default `eso`. */
  readonly scope?: pulumi.Input<string>;
  /** More subtrees ESO itself may read (tenants in shared mode). Default: none. */
  readonly extraReadSubtrees?: pulumi.Input<pulumi.Input<string>[]>;
  /** JWT audience the role requires. Default `vault`. */
  readonly audience?: pulumi.Input<string>;
  /** Token TTL in seconds. Default 900. */
  readonly tokenTtlSeconds?: pulumi.Input<number>;
  /** Token max TTL in seconds. Default 3600. */
  readonly tokenMaxTtlSeconds?: pulumi.Input<number>;
}
/** @deprecated The old name of `EsoIdentity` (TypeScript only). */
export type EsoIdentityArgs = EsoIdentity;

export interface VaultBackendArgs {
  /** KV v2 mount path (the mount only, no slash). Default `secret`. */
  readonly kvPath?: pulumi.Input<string>;
  /**
   * Description of the KV mount. Default: "KV v2 for External Secrets Operator (managed by vault-eso)".
   * When the mount is adopted (imported), it must be the existing mount's description.
   */
  readonly kvDescription?: pulumi.Input<string>;
  /**
   * Description of the Kubernetes auth method. Default: "Kubernetes service-account login (managed by vault-eso)".
   * When the auth method is adopted (imported), it must be its existing description.
   */
  readonly kubernetesAuthDescription?: pulumi.Input<string>;
  /**
   * The KV mount's settings (`max_versions`, `cas_required`, `delete_version_after` in seconds), written to
   * `<mount>/config` by a `vault.kv.SecretBackendV2`. Default: none, and nothing is written (Vault's defaults:
   * 10 versions, no CAS, versions kept forever). When given, an unset field is written as Vault's default.
   */
  readonly kvOptions?: KvMountOptions;
  /** Kubernetes auth mount path. Default `kubernetes`. */
  readonly kubernetesAuthPath?: pulumi.Input<string>;
  /** The Kubernetes API URL as Vault reaches it. */
  readonly kubernetesHost: pulumi.Input<string>;
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
  readonly issuer?: pulumi.Input<string>;
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
  readonly apiAudiences?: pulumi.Input<pulumi.Input<string>[]>;
  /** Token review mode (`mode` decides which resources exist: a plain value). Default `{ mode: "clientJwt" }`. */
  readonly tokenReview?: TokenReview;
  /** The ESO identity: who may log in, and what it may read. Default: the stack config's defaults. */
  readonly eso?: EsoIdentity;
}

/** @deprecated The old name of `TokenReview` (TypeScript only). */
export type TokenReviewArgs = TokenReview;

/** The args that take Outputs (every other field decides which resources exist and must be plain). */
const BACKEND_INPUTS = [
  "kvPath", "kubernetesAuthPath", "kubernetesHost", "kubernetesCaCert", "issuer", "apiAudiences", "tokenReview.namespace", "tokenReview.jwt",
  "eso.namespace", "eso.serviceAccountName", "eso.role", "eso.policy", "eso.scope", "eso.extraReadSubtrees", "eso.audience", "eso.tokenTtlSeconds", "eso.tokenMaxTtlSeconds",
  "kvDescription", "kubernetesAuthDescription",
] as const;

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
  public readonly esoPolicyHcl: pulumi.Output<string>;
  /** The mount resource, for `dependsOn` by tenant policies. */
  public readonly kvMount: vault.Mount;
  /** The Kubernetes auth mount. */
  public readonly authBackend: vault.AuthBackend;
  /** The Kubernetes auth config: stores wait for it so their first validation (a Vault login) can succeed. */
  public readonly authConfig: vault.kubernetes.AuthBackendConfig;
  /** Who reviews logins; pass it to ClusterStore and TenantNamespace. */
  public readonly tokenReviewMode: TokenReviewMode;
  /** The audience every role of this backend requires (`eso.audience`): the default of TenantNamespace's `audience`. */
  public readonly audience: pulumi.Output<string>;
  /** The API server's audiences (`apiAudiences`): the default of TenantNamespace's `apiAudiences`. */
  public readonly apiAudiences: pulumi.Output<string[]>;
  /** The audiences a store logging in as ESO must request (`serviceAccountRef.audiences`). */
  public readonly storeAudiences: pulumi.Output<string[]>;

  constructor(name: string, args: VaultBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    const review: TokenReview = args.tokenReview ?? { mode: "clientJwt" };
    // An Output where a plain value decides the graph is refused first: nothing below reads inside it.
    refuse("VaultBackend", name, deferredProblems(args, BACKEND_INPUTS));
    const where = { component: "VaultBackend", name, problems: [] as string[] };
    // Refuse what Vault would refuse (or review with the wrong identity) before anything registers.
    const shape = {
      vaultRunsIn: args.vaultRunsIn ?? "external",
      tokenReview: review.mode,
      hasCaCert: args.kubernetesCaCert !== undefined,
      disableLocalCaJwt: args.disableLocalCaJwt,
    };
    where.problems.push(...kubernetesAuthProblems(shape).map((p) => `${p.field === "caCert" ? "kubernetesCaCert" : p.field}: ${argumentNames(p.message)}`));
    where.problems.push(...tokenReviewProblems(review));
    const eso = args.eso ?? {};
    const kvPath = checkedInput(where, "kvPath", FIELD.kvPath, args.kvPath);
    const authPath = checkedInput(where, "kubernetesAuthPath", FIELD.authPath, args.kubernetesAuthPath);
    const kubernetesHost = checkedInput(where, "kubernetesHost", FIELD.kubernetesHost, args.kubernetesHost);
    const apiAudiences = checkedInput(where, "apiAudiences", FIELD.apiAudiences, args.apiAudiences as pulumi.Input<string[]> | undefined);
    const esoNamespace = checkedInput(where, "eso.namespace", FIELD.esoNamespace, eso.namespace);
    const esoAccount = checkedInput(where, "eso.serviceAccountName", FIELD.esoServiceAccountName, eso.serviceAccountName);
    const esoRole = checkedInput(where, "eso.role", FIELD.esoRole, eso.role);
    const esoPolicy = checkedInput(where, "eso.policy", FIELD.esoPolicy, eso.policy);
    const scope = checkedInput(where, "eso.scope", FIELD.esoScope, eso.scope);
    const extraReadSubtrees = checkedInput(where, "eso.extraReadSubtrees", z.array(FIELD.subtree).default([]), eso.extraReadSubtrees as pulumi.Input<string[]> | undefined);
    const audience = checkedInput(where, "eso.audience", FIELD.audience, eso.audience);
    const ttl = checkedInput(where, "eso.tokenTtlSeconds", FIELD.tokenTtlSeconds, eso.tokenTtlSeconds);
    const maxTtl = checkedInput(where, "eso.tokenMaxTtlSeconds", FIELD.tokenMaxTtlSeconds, eso.tokenMaxTtlSeconds);
    refuse("VaultBackend", name, where.problems);
    super("vault-eso:index:VaultBackend", name, {}, opts);
    this.tokenReviewMode = review.mode;
    this.audience = pulumi.output(audience);
    this.apiAudiences = pulumi.output(apiAudiences);
    this.storeAudiences = pulumi.output(derive({ a: audience, api: apiAudiences }, ({ a, api }) => storeTokenAudiences(review.mode, a, api)));

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

    const reviewerJwt = this.tokenReviewer(name, review);

    const authConfig = (this.authConfig = new vault.kubernetes.AuthBackendConfig(
      `${name}-k8s-auth-config`,
      {
        backend: this.authBackend.path,
        kubernetesHost,
        kubernetesCaCert: args.kubernetesCaCert,
        tokenReviewerJwt: reviewerJwt,
        issuer: args.issuer,
        disableIssValidation: args.disableIssValidation,
        disableLocalCaJwt: effectiveDisableLocalCaJwt(shape),
      },
      { parent: this, additionalSecretOutputs: ["tokenReviewerJwt"] },
    ));

    const policyModel = derive({ p: esoPolicy, kv: kvPath, sc: scope, extra: extraReadSubtrees }, ({ p, kv, sc, extra }) => esoReadPolicy(p, kv, sc, extra));
    const hcl = derive({ m: policyModel }, ({ m }) => renderPolicyHcl(m));
    this.esoPolicyHcl = pulumi.output(hcl);
    const policy = new vault.Policy(
      `${name}-eso-policy`,
      { name: derive({ m: policyModel }, ({ m }) => m.name), policy: hcl },
      { parent: this, dependsOn: [this.kvMount] },
    );

    const ttls = derive({ t: ttl, m: maxTtl }, ({ t, m }) => {
      if (t > m) throw new InputError(`VaultBackend ${name}: eso.tokenTtlSeconds: ${t} is longer than eso.tokenMaxTtlSeconds ${m}. Fix: lower it or raise eso.tokenMaxTtlSeconds`);
      return { t, m };
    });
    const role = new vault.kubernetes.AuthBackendRole(
      `${name}-eso-role`,
      {
        backend: this.authBackend.path,
        roleName: esoRole,
        boundServiceAccountNames: [esoAccount],
        boundServiceAccountNamespaces: [esoNamespace],
        audience,
        aliasNameSource: "serviceaccount_uid",
        tokenPolicies: [policy.name],
        tokenTtl: derive({ v: ttls }, ({ v }) => v.t),
        tokenMaxTtl: derive({ v: ttls }, ({ v }) => v.m),
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
  private tokenReviewer(name: string, review: TokenReview): pulumi.Output<string> | undefined {
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
      pulumi.output(namespace).apply((n) => authDelegatorBinding(`vault-token-reviewer-${n}`, { name: REVIEWER_NAME, namespace: n }, labels)),
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
      pulumi.all([tokenSecret.data, namespace]).apply(([d, n]) => {
        const token = d?.["token"];
        if (!token) throw new InputError(`Secret ${n}/${secretName} has no token yet: the service-account token controller did not populate it`);
        return Buffer.from(token, "base64").toString("utf8");
      }),
    );
  }
}

/** What is wrong with a `tokenReview` (the fields of one mode given with the other, an unknown mode). */
export function tokenReviewProblems(review: TokenReview): string[] {
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

/** A config-contract message (kubernetes-auth.ts speaks of `kubernetesAuth.*` keys) in VaultBackend's argument names. */
export function argumentNames(message: string): string {
  return message.replace(/kubernetesAuth\.caCertFile \(or caCert\)/g, "kubernetesCaCert").replace(/kubernetesAuth\.(\w+)/g, "$1");
}
