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

/** The key Vault stores a name of `kind` under. */
export function vaultName(kind: VaultNameKind, name: string): string {
  switch (kind) {
    case "policy":
      return name.trim().toLowerCase();
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
