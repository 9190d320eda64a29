/**
 * A model of Vault's Kubernetes auth method, written from
 * hashicorp/vault-plugin-auth-kubernetes (commit 4b6181768f9a, March 2026) and
 * hashicorp/vault sdk/helper/tokenutil/tokenutil.go:
 *
 * - path_config.go `pathConfigWrite`: `kubernetes_host` must be non-empty
 *   (it is not parsed here: token_review.go appends `/apis/...` to it); a
 *   non-empty `kubernetes_ca_cert` must hold at least one PEM block; then
 *   backend.go `updateTLSConfig` runs and its error fails the write.
 * - backend.go `updateTLSConfig`: CA from config, else (unless
 *   `disable_local_ca_jwt`) the pod's `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt`
 *   (an error when Vault is not in a pod), else the system roots.
 * - backend.go `loadConfig` (every login): with `disable_local_ca_jwt` false,
 *   no configured `token_reviewer_jwt` is replaced by the pod's token when it
 *   can be read, and no configured CA by the pod's CA (an error if unreadable).
 * - path_role.go `pathRoleCreateUpdate` + tokenutil.go `ParseTokenFields`.
 * - path_login.go `pathLogin`, `parseAndValidateJWT`, `getAliasName`,
 *   `serviceAccount.lookup`, and token_review.go `tokenReviewAPI.Review`.
 *
 * Pure. Inputs use the Pulumi provider's field names (what the program registers).
 */
import { ClusterWorld, legacySecretToken, SaToken, saUid, ServiceAccountRef, tokenReview } from "./kube-apiserver";

export const LOCAL_CA_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

/** Where Vault runs, and what its pod holds. */
export interface VaultWorld {
  /** Vault runs in a Kubernetes pod with a mounted service-account token and CA. */
  readonly inPod: boolean;
  /** Vault's own service account when in a pod. */
  readonly podServiceAccount?: ServiceAccountRef;
  /** The API server's serving certificate chains to a CA in the host's system roots (managed clusters sometimes; kind, kubeadm never). */
  readonly apiCertInSystemRoots: boolean;
}

export interface World {
  readonly vault: VaultWorld;
  readonly cluster: ClusterWorld;
}

/** `vault.kubernetes.AuthBackendConfig` inputs (auth/<mount>/config). */
export interface AuthConfigWrite {
  readonly kubernetesHost?: string;
  readonly kubernetesCaCert?: string;
  /** The reviewer JWT as a model token (the program sends a JWT string; the test maps it to the identity it belongs to). */
  readonly tokenReviewer?: SaToken;
  readonly disableLocalCaJwt?: boolean;
  readonly issuer?: string;
  readonly disableIssValidation?: boolean;
}

/** `hasCerts`: some PEM block decodes (any block type counts here; Go's pem.Decode). */
export function hasPemBlock(text: string): boolean {
  for (const m of text.matchAll(/-----BEGIN ([^-\n]+)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    const body = m[2].replace(/\s+/g, "");
    if (/^[A-Za-z0-9+/]*={0,2}$/.test(body) && body.length % 4 === 0) return true;
  }
  return false;
}

/** Why Vault refuses the config write, or undefined. */
export function configWriteError(c: AuthConfigWrite, world: World): string | undefined {
  if (!c.kubernetesHost) return "no host provided";
  if (c.kubernetesCaCert && !hasPemBlock(c.kubernetesCaCert)) return "The provided CA PEM data contains no valid certificates";
  return tlsRoots(c, world).error;
}

/** Which roots Vault verifies the API server's certificate with (`updateTLSConfig`). */
export function tlsRoots(c: AuthConfigWrite, world: World): { roots?: "configured" | "pod" | "system"; error?: string } {
  if (c.kubernetesCaCert) return { roots: "configured" };
  if (!c.disableLocalCaJwt) {
    if (!world.vault.inPod) return { error: `open ${LOCAL_CA_PATH}: no such file or directory` };
    return { roots: "pod" };
  }
  return { roots: "system" };
}

/** Whose token is the bearer of Vault's TokenReview calls (`loadConfig` + token_review.go `Review`). */
export function reviewerFor(c: AuthConfigWrite, world: World): { kind: "configured" | "vaultPod" | "client"; bearer?: SaToken } {
  if (c.tokenReviewer) return { kind: "configured", bearer: c.tokenReviewer };
  if (!c.disableLocalCaJwt && world.vault.inPod && world.vault.podServiceAccount) {
    return { kind: "vaultPod", bearer: legacySecretToken(world.vault.podServiceAccount) };
  }
  return { kind: "client" };
}

/** `vault.kubernetes.AuthBackendRole` inputs (auth/<mount>/role/<name>). TTLs in seconds. */
export interface RoleWrite {
  readonly roleName: string;
  readonly boundServiceAccountNames?: readonly string[];
  readonly boundServiceAccountNamespaces?: readonly string[];
  readonly boundServiceAccountNamespaceSelector?: string;
  readonly audience?: string;
  readonly aliasNameSource?: string;
  readonly tokenTtl?: number;
  readonly tokenMaxTtl?: number;
  readonly tokenPeriod?: number;
  readonly tokenNumUses?: number;
  readonly tokenType?: string;
  readonly tokenPolicies?: readonly string[];
  /** `token_no_default_policy`: the token does not get Vault's `default` policy. */
  readonly tokenNoDefaultPolicy?: boolean;
}

/** Vault's default system max lease TTL (768h) unless the mount tunes it. */
export const DEFAULT_MAX_LEASE_TTL = 768 * 3600;

/** The role write: an error (refused), and the warnings Vault returns when it accepts. */
export function roleWrite(r: RoleWrite, mountMaxLeaseTtl = DEFAULT_MAX_LEASE_TTL): { error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const fail = (error: string) => ({ error, warnings });
  if (!r.roleName) return fail("missing role name");
  // tokenutil.ParseTokenFields
  if ((r.tokenMaxTtl ?? 0) < 0) return fail("'token_max_ttl' cannot be negative");
  if ((r.tokenPeriod ?? 0) < 0) return fail("'token_period' cannot be negative");
  const type = r.tokenType;
  if (type !== undefined && !["", "default", "service", "batch"].includes(type)) return fail(`invalid 'token_type' value "${type}"`);
  if ((r.tokenNumUses ?? 0) < 0) return fail("'token_num_uses' cannot be negative");
  if (type === "batch" && (r.tokenPeriod ?? 0) !== 0) return fail("'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens");
  if (type === "batch" && (r.tokenNumUses ?? 0) !== 0) return fail("'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count");
  if ((r.tokenTtl ?? 0) < 0) return fail("'token_ttl' cannot be negative");
  const ttl = r.tokenTtl ?? 0;
  const max = r.tokenMaxTtl ?? 0;
  if (ttl > 0 && max > 0 && ttl > max) return fail("'token_ttl' cannot be greater than 'token_max_ttl'");
  // path_role.go
  if ((r.tokenPeriod ?? 0) > mountMaxLeaseTtl) return fail("token period is greater than the backend's maximum lease TTL");
  if (max > mountMaxLeaseTtl) warnings.push("max_ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated");
  const names = r.boundServiceAccountNames ?? [];
  if (names.length === 0) return fail('"bound_service_account_names" can not be empty');
  if (names.length > 1 && names.includes("*")) return fail('can not mix "*" with values');
  const namespaces = r.boundServiceAccountNamespaces ?? [];
  if (namespaces.length === 0 && !r.boundServiceAccountNamespaceSelector) {
    return fail('"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set');
  }
  if (namespaces.length > 1 && namespaces.includes("*")) return fail('can not mix "*" with values');
  if (!r.audience || r.audience.trim() === "") warnings.push(`Role ${r.roleName} does not have an audience configured.`);
  const source = r.aliasNameSource ?? "serviceaccount_uid";
  if (!["serviceaccount_uid", "serviceaccount_name"].includes(source)) {
    return fail("invalid alias_name_source, must be one of: serviceaccount_uid, serviceaccount_name");
  }
  return { warnings };
}

/**
 * github.com/ryanuber/go-glob v1.0.0 `Glob`: `*` anywhere in the pattern matches any run of characters
 * (the first part anchored at the start unless the pattern starts with `*`, the last at the end unless it
 * ends with `*`; the parts in between found left to right).
 */
export function goGlob(pattern: string, subject: string): boolean {
  if (pattern === "") return subject === "";
  if (pattern === "*") return true;
  const parts = pattern.split("*");
  if (parts.length === 1) return subject === pattern;
  const leading = pattern.startsWith("*");
  const trailing = pattern.endsWith("*");
  let rest = subject;
  for (let i = 0; i < parts.length - 1; i++) {
    const idx = rest.indexOf(parts[i]);
    if (i === 0 ? !leading && idx !== 0 : idx < 0) return false;
    rest = rest.slice(idx + parts[i].length);
  }
  return trailing || rest.endsWith(parts[parts.length - 1]);
}

/**
 * hashicorp/go-secure-stdlib strutil/strutil.go `StrListContainsGlob` (go-glob per entry), which
 * vault-plugin-auth-kubernetes path_login.go uses for bound_service_account_names and
 * bound_service_account_namespaces: `*` matches anywhere in an entry, not only at its ends.
 */
export function containsGlob(list: readonly string[], item: string): boolean {
  return list.some((p) => goGlob(p, item));
}

export interface LoginResult {
  readonly error?: string;
  /** The entity alias name Vault derives. */
  readonly aliasName?: string;
  /** Who was the bearer of the TokenReview. */
  readonly reviewer?: "configured" | "vaultPod" | "client";
}

/**
 * `POST auth/<mount>/login {role, jwt}` against a stored config and role:
 * the JWT checks, the bindings, then the TokenReview Vault sends to the API server.
 */
export function login(config: AuthConfigWrite, role: RoleWrite | undefined, jwt: SaToken, world: World): LoginResult {
  if (!role) return { error: "invalid role name" };
  // loadConfig
  if (!config.disableLocalCaJwt && !config.kubernetesCaCert && !world.vault.inPod) {
    return { error: `could not load backend configuration: open ${LOCAL_CA_PATH}: no such file or directory` };
  }
  // parseAndValidateJWT
  if (config.disableIssValidation === false && config.issuer && jwt.iss !== config.issuer) return { error: "invalid issuer (iss) claim" };
  if (role.audience && !jwt.aud.includes(role.audience)) return { error: "invalid audience (aud) claim: audience claim does not match any expected audience" };
  const names = role.boundServiceAccountNames ?? [];
  if ((names.length > 1 || names[0] !== "*") && !containsGlob(names, jwt.sa.name)) return { error: "service account name not authorized" };
  const namespaces = role.boundServiceAccountNamespaces ?? [];
  if (!(namespaces.length > 0 && (namespaces[0] === "*" || containsGlob(namespaces, jwt.sa.namespace)))) return { error: "namespace not authorized" };
  const aliasName = (role.aliasNameSource ?? "serviceaccount_uid") === "serviceaccount_name" ? `${jwt.sa.namespace}/${jwt.sa.name}` : saUid(jwt.sa);
  // lookup -> Review
  const reviewer = reviewerFor(config, world);
  const bearer = reviewer.bearer ?? jwt;
  const wantAud = role.audience ? [role.audience] : [...jwt.aud];
  const tls = tlsRoots(config, world);
  if (tls.roots === "system" && !world.vault.apiCertInSystemRoots) return { error: "tls: failed to verify certificate: x509: certificate signed by unknown authority", reviewer: reviewer.kind };
  const r = tokenReview({ token: jwt, audiences: wantAud }, bearer, world.cluster);
  if (r.code === 401) return { error: "lookup failed: service account unauthorized; this could mean it has been deleted or recreated with a new token", reviewer: reviewer.kind };
  if (r.code === 403) return { error: 'tokenreviews.authentication.k8s.io is forbidden: User cannot create resource "tokenreviews"', reviewer: reviewer.kind };
  const s = r.status!;
  if (s.error) return { error: `lookup failed: ${s.error}`, reviewer: reviewer.kind };
  if (!s.authenticated) return { error: "lookup failed: service account jwt not valid", reviewer: reviewer.kind };
  if (wantAud.length > 0 && !wantAud.some((a) => s.audiences.includes(a))) {
    return { error: `lookup failed: service account jwt valid for audience(s) ${JSON.stringify(s.audiences)}, but wanted ${JSON.stringify(wantAud)}`, reviewer: reviewer.kind };
  }
  const [, , ns, name] = s.user!.username.split(":");
  if (name !== jwt.sa.name || ns !== jwt.sa.namespace || s.user!.uid !== saUid(jwt.sa)) return { error: "JWT names did not match", reviewer: reviewer.kind };
  return { aliasName, reviewer: reviewer.kind };
}
