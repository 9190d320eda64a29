/**
 * A model of how External Secrets Operator 2.9.0 (tag v2.9.0, commit
 * cc5bfbc2234a) validates a Vault store and logs in with Kubernetes auth:
 *
 * - providers/v1/vault/validate.go `Provider.ValidateStore` +
 *   runtime/esutils/utils.go `ValidateReferentServiceAccountSelector`: a
 *   SecretStore may not name a service account in another namespace.
 * - providers/v1/vault/provider.go `isReferentSpec` / `initClient` and
 *   validate.go `client.Validate`: a ClusterSecretStore whose
 *   `serviceAccountRef` has no namespace is "referent": the store controller
 *   does not log in and reports ValidationUnknown (pkg/controllers/secretstore/common.go
 *   `validateStore`), and the token is requested in each ExternalSecret's namespace.
 * - providers/v1/vault/auth_kubernetes.go `getJwtString` and auth.go
 *   `createServiceAccountToken`: a TokenRequest for exactly
 *   `serviceAccountRef.audiences` (no audience added) with `expirationSeconds: 600`,
 *   in the store's namespace (SecretStore) or `serviceAccountRef.namespace` (ClusterSecretStore).
 * - `requestTokenWithKubernetesAuth`: hashicorp/vault api/auth/kubernetes
 *   `NewKubernetesAuth(role, WithMountPath(mountPath))` logs in at
 *   `auth/<mountPath>/login` with `{role, jwt}`.
 * - apis/externalsecrets/v1/secretstore_vault_types.go `VaultKubernetesAuth`:
 *   `mountPath` defaults to `kubernetes`; `role` is required.
 */
import type { TokenRequestSpec } from "./kube-apiserver";
import { compileAcl, VAULT_DEFAULT_POLICY } from "../../../policies/vault/acl";
import type { VaultPolicy } from "../../../policies/vault/model";

export interface VaultKubernetesAuthSpec {
  readonly mountPath?: string;
  readonly role?: string;
  readonly serviceAccountRef?: { readonly name: string; readonly namespace?: string; readonly audiences?: readonly string[] };
  readonly secretRef?: unknown;
}

export interface StoreUnderTest {
  readonly kind: "SecretStore" | "ClusterSecretStore";
  /** metadata.namespace (SecretStore only). */
  readonly namespace?: string;
  readonly kubernetes: VaultKubernetesAuthSpec;
}

/** What ESO's admission webhook / provider validation refuses. */
export function storeValidationError(s: StoreUnderTest): string | undefined {
  if (!s.kubernetes.role) return "spec.provider.vault.auth.kubernetes.role: Required value";
  const ref = s.kubernetes.serviceAccountRef;
  if (ref && s.kind === "SecretStore" && ref.namespace !== undefined && ref.namespace !== s.namespace) {
    return "invalid Auth.Kubernetes.ServiceAccountRef: namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore";
  }
  return undefined;
}

/** A ClusterSecretStore that resolves its service account per ExternalSecret namespace; its Ready condition proves nothing. */
export function isReferent(s: StoreUnderTest): boolean {
  return s.kind === "ClusterSecretStore" && !!s.kubernetes.serviceAccountRef && s.kubernetes.serviceAccountRef.namespace === undefined;
}

/** Exactly the audiences ESO asks the API server for. */
export function requestedAudiences(s: StoreUnderTest): readonly string[] {
  return s.kubernetes.serviceAccountRef?.audiences ?? [];
}

/** The TokenRequest ESO sends (undefined without `serviceAccountRef`: ESO then uses its own pod token). */
export function tokenRequestFor(s: StoreUnderTest, externalSecretNamespace?: string): TokenRequestSpec | undefined {
  const ref = s.kubernetes.serviceAccountRef;
  if (!ref) return undefined;
  let namespace = s.namespace ?? externalSecretNamespace ?? "";
  if (s.kind === "ClusterSecretStore") namespace = ref.namespace ?? externalSecretNamespace ?? "";
  return { namespace, name: ref.name, audiences: requestedAudiences(s), expirationSeconds: 600 };
}

/** The Vault call ESO makes with the token. */
export function loginCall(s: StoreUnderTest): { path: string; role: string } {
  return { path: `auth/${s.kubernetes.mountPath ?? "kubernetes"}/login`, role: s.kubernetes.role ?? "" };
}

/**
 * providers/v1/vault/auth.go `checkToken`: `GET auth/token/lookup-self` with the store's token. ESO calls
 * it on every new client (auth.go setAuth, for a cached token), in the store controller's validation
 * after each fresh login (validate.go `client.Validate`: no expiry known yet, so it looks the token up;
 * an error makes the store ValidationResultError, not Ready), and before revoking on Close
 * (auth.go `revokeTokenIfValid`). Vault checks the path against the token's ACL: only Vault's `default`
 * policy grants it unless another policy does.
 */
export const LOOKUP_SELF = "auth/token/lookup-self";

/** The policies a login through `role` puts on the token (hashicorp/vault sdk tokenutil: `default` unless token_no_default_policy). */
export function loginTokenPolicies(role: { readonly tokenPolicies?: readonly string[]; readonly tokenNoDefaultPolicy?: boolean }): string[] {
  return [...(role.tokenPolicies ?? []), ...(role.tokenNoDefaultPolicy ? [] : ["default"])];
}

/** Why ESO's lookup-self with a token carrying `policyNames` fails, or undefined. `policies`: the written policies by name. */
export function lookupSelfError(policyNames: readonly string[], policies: ReadonlyMap<string, VaultPolicy>): string | undefined {
  const resolved = policyNames.map((n) => (n === "default" ? VAULT_DEFAULT_POLICY : policies.get(n))).filter((p): p is VaultPolicy => p !== undefined);
  const acl = compileAcl(resolved, { entity: { id: "eso", name: "eso", aliases: {} } });
  return acl.allows("read", LOOKUP_SELF) ? undefined : "Error making API request. URL: GET /v1/auth/token/lookup-self Code: 403. Errors: * permission denied";
}
