/**
 * Vault object names compared as Vault stores them. Two names that Vault
 * folds together address one object: a write under either is an upsert of
 * the same policy, role or group. Pure.
 *
 * Read upstream:
 * - policies: hashicorp/vault vault/policy_store.go `sanitizeName`
 *   (strings.ToLower(strings.TrimSpace(name))) on every set, get and delete;
 * - Kubernetes auth roles: hashicorp/vault-plugin-auth-kubernetes path_role.go
 *   stores `role/` + strings.ToLower(name) (per auth mount);
 * - identity groups and group aliases: hashicorp/vault
 *   vault/identity_store_schema.go, the memdb `name` / `factors` indexes are
 *   `Lowercase: lowerCaseName` (case-insensitive unless the identity store was
 *   set up with case-sensitive names); a group alias is unique per (mount
 *   accessor, name);
 * - token roles: vault/token_store.go `tokenStoreRole` reads the name as given
 *   (case-sensitive); folding case here only reports more clashes, never fewer.
 *
 * (A normaliser may also arrive on branch i18-guard; the two are meant to be folded.)
 */

export type VaultObjectKind = "policy" | "kubernetesRole" | "tokenRole" | "group" | "groupAlias";

export interface VaultObject {
  readonly kind: VaultObjectKind;
  readonly name: string;
  /** Kubernetes auth mount path (roles), or mount accessor (group aliases). */
  readonly scope?: string;
}

/** Go's strings.TrimSpace for the characters a name can carry. */
const trim = (s: string) => s.replace(/^[\s\u0085]+|[\s\u0085]+$/g, "");

/** The name as Vault stores it. */
export function normaliseVaultName(kind: VaultObjectKind, name: string): string {
  switch (kind) {
    case "policy":
      return trim(name).toLowerCase();
    default:
      return name.toLowerCase();
  }
}

/** One string per Vault object: equal keys are the same object in Vault. */
export function vaultObjectKey(o: VaultObject): string {
  const scope = o.scope === undefined ? "" : `${o.scope.replace(/^\/+|\/+$/g, "")}/`;
  return `${o.kind}:${scope}${normaliseVaultName(o.kind, o.name)}`;
}

/** `policy "x"`, `Kubernetes auth role kubernetes/x`, ... for messages. */
export function describeVaultObjectKey(key: string): string {
  const i = key.indexOf(":");
  const kind = key.slice(0, i) as VaultObjectKind;
  const rest = key.slice(i + 1);
  const what: Record<VaultObjectKind, string> = {
    policy: "Vault policy",
    kubernetesRole: "Kubernetes auth role",
    tokenRole: "token role",
    group: "identity group",
    groupAlias: "group alias",
  };
  return `${what[kind] ?? kind} "${rest}"`;
}

/**
 * The named Vault objects one registered resource writes, by its type and inputs (the
 * terraform-provider-vault resources the program uses). Resources of other types write none.
 */
export function vaultObjectsOfResource(type: string, inputs: Readonly<Record<string, unknown>>): VaultObject[] {
  const s = (k: string, fallback?: string) => (typeof inputs[k] === "string" && inputs[k] !== "" ? (inputs[k] as string) : fallback);
  switch (type) {
    case "vault:index/policy:Policy":
      return s("name") ? [{ kind: "policy", name: s("name")! }] : [];
    case "vault:kubernetes/authBackendRole:AuthBackendRole":
      return s("roleName") ? [{ kind: "kubernetesRole", name: s("roleName")!, scope: s("backend", "kubernetes") }] : [];
    case "vault:tokenauth/authBackendRole:AuthBackendRole":
      return s("roleName") ? [{ kind: "tokenRole", name: s("roleName")! }] : [];
    case "vault:identity/group:Group":
      return s("name") ? [{ kind: "group", name: s("name")! }] : [];
    case "vault:identity/groupAlias:GroupAlias":
      return s("name") && s("mountAccessor") ? [{ kind: "groupAlias", name: s("name")!, scope: s("mountAccessor") }] : [];
    default:
      return [];
  }
}
