/**
 * A model of what the Kubernetes API server does with the service-account
 * tokens this program's identities use: issuing them (TokenRequest),
 * authenticating them as bearers, and reviewing them for Vault (TokenReview).
 * Written from kubernetes/kubernetes (read November 2026):
 *
 * - pkg/registry/core/serviceaccount/storage/token.go `TokenREST.Create`:
 *   empty `spec.audiences` default to the API server's audiences.
 * - pkg/apis/authentication/validation/validation.go `ValidateTokenRequest`:
 *   `expirationSeconds` at least 600 (`MinTokenAgeSec`), at most 2^32.
 * - pkg/serviceaccount/jwt.go `jwtTokenAuthenticator.AuthenticateToken`: the
 *   token's `aud` must intersect the requested audiences (the request
 *   context's, else the API server's own, `implicitAuds`); a token without
 *   `aud` (legacy Secret token) counts as carrying the API server's audiences.
 * - pkg/registry/authentication/tokenreview/storage.go `REST.Create`: the
 *   reviewed token is authenticated with `spec.audiences` (empty: the API
 *   server's audiences) and `status.audiences` is the intersection.
 * - Creating a TokenReview is authorized by RBAC (`create tokenreviews` in
 *   `authentication.k8s.io`), which the `system:auth-delegator` ClusterRole
 *   grants (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go).
 *
 * Pure; no cluster. The "world" describes what the program cannot see.
 */

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** A signed service-account JWT, reduced to the claims that decide. */
export interface SaToken {
  readonly sa: ServiceAccountRef;
  /** `aud`; empty for legacy Secret-based tokens. */
  readonly aud: readonly string[];
  readonly iss: string;
  /** Projected/TokenRequest tokens carry `kubernetes.io` claims (namespace, serviceaccount). */
  readonly projected: boolean;
}

export interface ClusterWorld {
  /** `--api-audiences` (default: `--service-account-issuer`). */
  readonly apiAudiences: readonly string[];
  /** `--service-account-issuer`. */
  readonly issuer: string;
  /** Service accounts that exist (`namespace/name`). */
  readonly serviceAccounts: ReadonlySet<string>;
  /** Identities allowed to create TokenReviews (bound to `system:auth-delegator`), `namespace/name`. */
  readonly tokenReviewers: ReadonlySet<string>;
}

export const saKey = (sa: ServiceAccountRef) => `${sa.namespace}/${sa.name}`;
export const saUid = (sa: ServiceAccountRef) => `uid-${sa.namespace}-${sa.name}`;

export interface TokenRequestSpec {
  readonly namespace: string;
  readonly name: string;
  readonly audiences: readonly string[];
  readonly expirationSeconds: number;
}

/** `POST .../serviceaccounts/<name>/token`: the token, or why the API server refuses. */
export function tokenRequest(spec: TokenRequestSpec, world: ClusterWorld): { token?: SaToken; error?: string } {
  const sa = { namespace: spec.namespace, name: spec.name };
  if (!world.serviceAccounts.has(saKey(sa))) return { error: `serviceaccounts "${spec.name}" not found` };
  if (spec.expirationSeconds < 600) return { error: "spec.expirationSeconds: may not specify a duration less than 10 minutes" };
  if (spec.expirationSeconds > 2 ** 32) return { error: "spec.expirationSeconds: may not specify a duration larger than 2^32 seconds" };
  const aud = spec.audiences.length > 0 ? [...spec.audiences] : [...world.apiAudiences];
  return { token: { sa, aud, iss: world.issuer, projected: true } };
}

/** A legacy `kubernetes.io/service-account-token` Secret's token (no `aud`). */
export function legacySecretToken(sa: ServiceAccountRef): SaToken {
  return { sa, aud: [], iss: "kubernetes/serviceaccount", projected: false };
}

export interface Authenticated {
  readonly username: string;
  readonly uid: string;
  readonly audiences: readonly string[];
}

/** The service-account JWT authenticator, for the given requested audiences (default: the API server's). */
export function authenticateToken(token: SaToken, world: ClusterWorld, requested?: readonly string[]): { user?: Authenticated; error?: string } {
  if (!world.serviceAccounts.has(saKey(token.sa))) return { error: "service account not found" };
  const tokenAuds = token.aud.length > 0 ? token.aud : world.apiAudiences;
  const want = requested ?? world.apiAudiences;
  const auds = tokenAuds.filter((a) => want.includes(a));
  if (auds.length === 0 && world.apiAudiences.length > 0) {
    return { error: `token audiences ${JSON.stringify(tokenAuds)} is invalid for the target audiences ${JSON.stringify(want)}` };
  }
  return { user: { username: `system:serviceaccount:${token.sa.namespace}:${token.sa.name}`, uid: saUid(token.sa), audiences: auds } };
}

export interface TokenReviewResponse {
  /** HTTP status of the create call. */
  readonly code: number;
  readonly status?: { readonly authenticated: boolean; readonly error?: string; readonly user?: Authenticated; readonly audiences: readonly string[] };
}

/**
 * `POST /apis/authentication.k8s.io/v1/tokenreviews` with `bearer` in the
 * Authorization header: 401 if the bearer does not authenticate (for the API
 * server's own audiences), 403 if it may not create TokenReviews, else the review.
 */
export function tokenReview(spec: { token: SaToken; audiences: readonly string[] }, bearer: SaToken, world: ClusterWorld): TokenReviewResponse {
  if (authenticateToken(bearer, world).error) return { code: 401 };
  if (!world.tokenReviewers.has(saKey(bearer.sa))) return { code: 403 };
  const auds = spec.audiences.length > 0 ? spec.audiences : world.apiAudiences;
  const r = authenticateToken(spec.token, world, auds);
  if (r.error) return { code: 201, status: { authenticated: false, error: r.error, audiences: [] } };
  return { code: 201, status: { authenticated: true, user: r.user, audiences: r.user!.audiences } };
}
