/**
 * Kubernetes and Vault naming rules, shared by the config schema, the
 * components and the policy pack. Pure: no Pulumi resources.
 */

/** RFC 1123 label: namespaces, label-named objects. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MAX = 63;

/** RFC 1123 subdomain: most Kubernetes object names (ServiceAccount, ClusterSecretStore...). */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS1123_SUBDOMAIN_MAX = 253;

/** Vault policy and auth-role names: letters, digits, `-`, `_`, `.`; no slash. */
export const VAULT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const VAULT_NAME_MAX = 128;

/** Vault's built-in policy names: a stack must never try to own or overwrite them. */
export const RESERVED_VAULT_POLICIES: readonly string[] = ["root", "default"];

export function isDns1123Label(s: string): boolean {
  return s.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(s);
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(s);
}

export function isVaultName(s: string): boolean {
  return s.length <= VAULT_NAME_MAX && VAULT_NAME.test(s);
}

/**
 * Why `key` cannot be a key of a Secret's (or ConfigMap's) `data`, or undefined:
 * kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
 * `IsConfigMapKey` (at most 253 characters of `[-._a-zA-Z0-9]`, and `hasChDirPrefix`: not
 * ".", not "..", not starting with ".."). The API server refuses the whole Secret otherwise,
 * so ESO's sync fails at run time.
 */
export function secretDataKeyProblem(key: string): string | undefined {
  if (key.length > DNS1123_SUBDOMAIN_MAX) return `is ${key.length} characters; a Secret key has at most ${DNS1123_SUBDOMAIN_MAX}`;
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) return "may use only letters, digits, '-', '_' and '.' (a Kubernetes Secret key)";
  if (key === "." || key === ".." || key.startsWith("..")) return 'must not be "." or start with ".." (a Kubernetes Secret key)';
  return undefined;
}
