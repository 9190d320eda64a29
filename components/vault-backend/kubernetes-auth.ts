/**
 * Rules of Vault's Kubernetes auth that depend on where Vault runs and on
 * who reviews logins, shared by the config contract (config.ts) and the
 * components (VaultBackend, ClusterStore, TenantNamespace, Observability).
 * Pure. The upstream behaviour behind each rule is modelled and tested in
 * test/contracts (see docs/contracts-kubernetes-auth.md):
 *
 * - Without `kubernetes_ca_cert` and with `disable_local_ca_jwt` false, Vault
 *   reads its pod's `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt` on
 *   every config write and login, and fails when it is not in a pod
 *   (vault-plugin-auth-kubernetes backend.go `updateTLSConfig`, `loadConfig`).
 * - Without `token_reviewer_jwt`, a Vault in a pod with `disable_local_ca_jwt`
 *   false reviews with its own pod token; otherwise the client's JWT is the
 *   TokenReview bearer (backend.go `loadConfig`, token_review.go `Review`).
 * - A bearer is authenticated by the API server only if its `aud` holds one of
 *   the API server's audiences (kubernetes pkg/serviceaccount/jwt.go), while
 *   Vault's role check wants the role's `audience` (path_login.go).
 */

import { X509Certificate } from "crypto";

/**
 * Where Vault runs relative to the cluster it authenticates. A named `as const` object and its value type: the
 * component schema inference (@pulumi/pulumi provider/experimental/analyzer.js) turns it into an enum.
 */
export const VaultLocation = {
  /** Not in a pod of this cluster (no local CA or token to fall back on). */
  external: "external",
  /** In a pod of this cluster. */
  cluster: "cluster",
} as const;
export type VaultLocation = (typeof VaultLocation)[keyof typeof VaultLocation];
export const VAULT_LOCATIONS = [VaultLocation.external, VaultLocation.cluster] as const;

/** Who reviews the service-account JWTs clients log in with. */
export const TokenReviewMode = {
  /** Vault calls TokenReview with the client's own JWT; each client is bound to system:auth-delegator. */
  clientJwt: "clientJwt",
  /** A dedicated reviewer service account's long-lived token reviews every login. */
  reviewerServiceAccount: "reviewerServiceAccount",
} as const;
export type TokenReviewMode = (typeof TokenReviewMode)[keyof typeof TokenReviewMode];
export const TOKEN_REVIEW_MODES = [TokenReviewMode.clientJwt, TokenReviewMode.reviewerServiceAccount] as const;

/**
 * The API server's audiences when `--api-audiences` is not set: its
 * `--service-account-issuer`, which is this URL on kind, kubeadm and most
 * self-managed clusters. EKS, GKE and AKS use other issuers: read yours with
 * `kubectl get --raw /.well-known/openid-configuration | jq -r .issuer`.
 */
export const DEFAULT_API_AUDIENCES: readonly string[] = ["https://kubernetes.default.svc.cluster.local"];

export interface KubernetesAuthShape {
  readonly vaultRunsIn: VaultLocation;
  readonly tokenReview: TokenReviewMode;
  /** A CA for the API server is given (`kubernetes_ca_cert`). */
  readonly hasCaCert: boolean;
  /** `disable_local_ca_jwt` as the user set it (undefined: not set). */
  readonly disableLocalCaJwt?: boolean;
}

/**
 * The `disable_local_ca_jwt` Vault gets: the user's value, else true exactly
 * when Vault runs in the cluster and must review with the client's JWT (false
 * would make it review with its own pod token).
 */
export function effectiveDisableLocalCaJwt(a: KubernetesAuthShape): boolean {
  return a.disableLocalCaJwt ?? (a.vaultRunsIn === "cluster" && a.tokenReview === "clientJwt");
}

export interface KubernetesAuthProblem {
  /** The key under `kubernetesAuth` to change. */
  readonly field: "caCert" | "disableLocalCaJwt";
  readonly message: string;
}

const KIND_CA_HINT =
  "kind: kubectl config view --raw --minify --context kind-<cluster> -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d > kind-ca.pem";

/** Combinations Vault would refuse at the config write, or that review with the wrong identity. */
export function kubernetesAuthProblems(a: KubernetesAuthShape): KubernetesAuthProblem[] {
  const out: KubernetesAuthProblem[] = [];
  if (a.vaultRunsIn === "cluster" && a.tokenReview === "clientJwt" && a.disableLocalCaJwt === false) {
    out.push({
      field: "disableLocalCaJwt",
      message:
        'with Vault in the cluster and tokenReview "clientJwt", disable_local_ca_jwt false makes Vault review every login with its own pod token, not the client\'s. Fix: remove disableLocalCaJwt (it then defaults to true), or use tokenReview "reviewerServiceAccount"',
    });
  }
  if (!a.hasCaCert && !effectiveDisableLocalCaJwt(a) && a.vaultRunsIn === "external") {
    out.push({
      field: "caCert",
      message:
        `Vault runs outside the cluster (vaultRunsIn "external"), so without the API server's CA it reads ${"/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"}, which does not exist there, and refuses the config write. ` +
        `Fix: give kubernetesAuth.caCertFile (or caCert) with the cluster's CA (${KIND_CA_HINT}), or set disableLocalCaJwt: true to trust the system roots (they do not trust a private cluster CA), or vaultRunsIn: cluster if Vault runs in a pod there`,
    });
  }
  if (!a.hasCaCert && a.vaultRunsIn === "cluster" && a.tokenReview === "clientJwt" && a.disableLocalCaJwt === undefined) {
    out.push({
      field: "caCert",
      message:
        'with Vault in the cluster and tokenReview "clientJwt", disable_local_ca_jwt is set so Vault reviews with the client\'s JWT, and Vault then no longer reads its pod\'s CA either: the system roots would verify the API server. ' +
        "Fix: give kubernetesAuth.caCertFile (or caCert) with the cluster's CA (the pod's /var/run/secrets/kubernetes.io/serviceaccount/ca.crt), or set disableLocalCaJwt: true explicitly to accept the system roots",
    });
  }
  return out;
}

/**
 * The repository's example CAs say "replace me" in their subject. Vault takes
 * them (the config write only checks for a PEM block), but they never verify
 * a real API server: every login would fail with an x509 error.
 */
export function exampleCaWarning(pem: string | undefined, key: string): string | undefined {
  if (!pem) return undefined;
  for (const block of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
    let subject = "";
    try {
      subject = new X509Certificate(block).subject;
    } catch {
      continue; // the config contract reports unparsable certificates
    }
    if (/replace me/i.test(subject)) {
      return `${key} is the repository's EXAMPLE CA (${subject.replace(/\n/g, ", ")}): Vault will not verify your API server with it and every login will fail. Replace it with your cluster's CA (README, "Run it: dev", step 3).`;
    }
  }
  return undefined;
}

/** Allowed but worth a line in `pulumi up`: the system roots verify the API server. */
export function kubernetesAuthWarnings(a: KubernetesAuthShape): string[] {
  if (a.hasCaCert || !effectiveDisableLocalCaJwt(a)) return [];
  return [
    "kubernetesAuth: no caCert/caCertFile and disableLocalCaJwt: true, so Vault verifies the Kubernetes API server with its host's system roots. They do not trust a private cluster CA (kind, kubeadm, most self-managed clusters): every login then fails with an x509 error. Give kubernetesAuth.caCertFile unless your API server's certificate is publicly trusted.",
  ];
}

/**
 * The audiences a store's service-account token must carry. Vault's role
 * check wants the role's audience; with `clientJwt` review the same token is
 * the bearer of Vault's TokenReview call, which the API server authenticates
 * only for its own audiences, so those are added. With a reviewer service
 * account only the role's audience is requested (the token is not valid
 * against the API server).
 */
/** The reviewer service account's name (and its token Secret's, at generation 1). */
export const REVIEWER_NAME = "vault-token-reviewer";

/**
 * The reviewer token Secret's name for a rotation generation. Generation 1
 * keeps the original name (stacks deployed before rotation existed see no
 * diff); each later generation is a new name, which makes Pulumi replace the
 * Secret: create the new one (a new token), point Vault's auth config at it,
 * then delete the old Secret, which invalidates the old token
 * (kubernetes/kubernetes pkg/serviceaccount/legacy.go Validate: a legacy token
 * names its Secret and is refused once that Secret is gone).
 */
export function reviewerTokenSecretName(generation: number): string {
  if (!Number.isInteger(generation) || generation < 1) {
    throw new Error(`reviewer token generation must be a whole number >= 1, not ${generation}`);
  }
  return generation === 1 ? REVIEWER_NAME : `${REVIEWER_NAME}-${generation}`;
}

export function storeTokenAudiences(mode: TokenReviewMode, roleAudience: string, apiAudiences: readonly string[] = DEFAULT_API_AUDIENCES): string[] {
  const list = mode === "clientJwt" ? [roleAudience, ...apiAudiences] : [roleAudience];
  return [...new Set(list)];
}

/**
 * The audience of a role whose clients present a single-audience token (a
 * projected service-account token carries exactly one `audience`, e.g.
 * Prometheus through a Vault Agent sidecar). With `clientJwt` review that one
 * audience must also be the API server's, so it defaults to the first API
 * audience there, and to `roleAudience` otherwise.
 */
export function singleAudienceRoleAudience(mode: TokenReviewMode, roleAudience: string, apiAudiences: readonly string[] = DEFAULT_API_AUDIENCES, configured?: string): string {
  if (configured !== undefined) return configured;
  return mode === "clientJwt" ? apiAudiences[0] : roleAudience;
}

/** Why a single-audience client cannot log in with `audience`, or undefined. */
export function singleAudienceProblem(mode: TokenReviewMode, audience: string, apiAudiences: readonly string[] = DEFAULT_API_AUDIENCES): string | undefined {
  if (mode !== "clientJwt" || apiAudiences.includes(audience)) return undefined;
  return `"${audience}" is not one of the API server's audiences (${apiAudiences.join(", ")}): with tokenReview "clientJwt" the client's one-audience projected token is also the bearer of Vault's TokenReview, which the API server then refuses`;
}
