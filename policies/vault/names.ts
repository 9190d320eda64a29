/**
 * Names as Vault stores them: two names that Vault folds to one key are one
 * object, and writing the second silently replaces the first. Every guard
 * rule and ownership check compares names through these functions. Pure.
 *
 * - ACL policies: hashicorp/vault vault/policy_store.go `sanitizeName`
 *   lower-cases and trims the name on write, read and delete; the policy
 *   lists of roles, tokens, entities and groups go through
 *   sdk/helper/policyutil `SanitizePolicies` (`CanonicalizePolicyName`: trim,
 *   lower-case; empty names dropped; `root` anywhere makes the list `root`
 *   alone) when a token's ACL is built (vault/request_handling.go).
 * - Kubernetes auth roles: vault-plugin-auth-kubernetes path_role.go stores
 *   and deletes `role/` + `strings.ToLower(name)`: `Team-A` and `team-a` are
 *   one role. AppRole lower-cases every role created since its
 *   `lower_case_role_name` field exists (builtin/credential/approle
 *   path_role.go `roleStorageEntry.LowerCaseRoleName`). JWT/OIDC roles get
 *   the same fold here without an upstream check: folding more only finds
 *   more clashes (the worst case for ownership).
 * - Identity entities, groups, entity and group aliases: vault/
 *   identity_store_schema.go indexes `Name` with `Lowercase: lowerCaseName`,
 *   which is on unless the identity store was switched to case-sensitive
 *   names: names are case-insensitive by default (no trimming).
 * - Token roles: vault/token_store.go `tokenStoreRole` reads the name as
 *   given: exact.
 */

export type VaultNameKind = "policy" | "authRole" | "identity" | "tokenRole";

/** Go's strings.TrimSpace (unicode.IsSpace: JavaScript's whitespace plus U+0085). */
const trimSpace = (s: string) => s.replace(/^[\s\u0085]+|[\s\u0085]+$/g, "");

/** The key Vault stores a name of `kind` under. */
export function vaultName(kind: VaultNameKind, name: string): string {
  switch (kind) {
    case "policy":
      return trimSpace(name).toLowerCase();
    case "authRole":
    case "identity":
      return name.toLowerCase();
    case "tokenRole":
      return name;
  }
}

/** A policy name as Vault stores it (trimmed, lower-cased). */
export const policyName = (name: string): string => vaultName("policy", name);

/** Whether two names of `kind` are one Vault object. */
export const sameVaultName = (kind: VaultNameKind, a: string, b: string): boolean => vaultName(kind, a) === vaultName(kind, b);

/**
 * The policies a token gets from a list of names, as Vault resolves them
 * (policyutil `SanitizePolicies` without adding `default`): canonical names,
 * empties dropped, duplicates removed, `["root"]` when any name is `root`.
 */
export function sanitizePolicyNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names.map(policyName)) {
    if (n === "") continue;
    if (n === "root") return ["root"];
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

// Named Vault objects across stacks (ownership of derived names, components/tenants/vault-objects.ts).

export type VaultObjectKind = "policy" | "kubernetesRole" | "tokenRole" | "group" | "groupAlias";

export interface VaultObject {
  readonly kind: VaultObjectKind;
  readonly name: string;
  /** Kubernetes auth mount path (roles), or mount accessor (group aliases). */
  readonly scope?: string;
}

/** Which of Vault's name rules (above) each object kind follows. */
const NAME_RULE: Record<VaultObjectKind, VaultNameKind> = {
  policy: "policy",
  kubernetesRole: "authRole",
  tokenRole: "tokenRole",
  group: "identity",
  groupAlias: "identity",
};

/** The name as Vault stores it. */
export function normaliseVaultName(kind: VaultObjectKind, name: string): string {
  return vaultName(NAME_RULE[kind], name);
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
