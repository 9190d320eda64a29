/**
 * How Vault turns one HTTP request into the ACL it checks, written from
 * hashicorp/vault (independently of policies/vault/deployer.ts, which tests
 * compare against it). Pure.
 *
 * - `http/logical.go` buildLogicalRequestNoAuth: GET -> read (list with
 *   `?list=true`), LIST -> list, POST/PUT -> update, DELETE -> delete.
 * - `vault/request_handling.go` CheckToken: a write is turned into `create`
 *   only when the backend path has an ExistenceCheck and the entry is absent;
 *   with no ExistenceCheck it stays `update` ("No existence check, so always
 *   treat it as an update operation").
 * - Root-protected paths (`PathsSpecial.Root`, matched like the router does:
 *   a trailing `*` is a prefix, otherwise exact) need `sudo` too
 *   (`vault/acl.go` AllowOperation with RootPrivsRequired).
 */

export type Method = "GET" | "POST" | "PUT" | "DELETE" | "LIST";

/** hashicorp/vault vault/logical_system.go NewSystemBackend PathsSpecial.Root (relative to `sys/`). */
export const SYS_ROOT_PATHS: readonly string[] = [
  "auth/*", "remount", "audit", "audit/*", "raw", "raw/*",
  "replication/primary/secondary-token", "replication/performance/primary/secondary-token", "replication/dr/primary/secondary-token",
  "replication/reindex", "replication/dr/reindex", "replication/performance/reindex",
  "rotate", "config/cors", "config/auditing/*", "config/ui/headers/*", "plugins/catalog/*", "plugins/runtimes/catalog/*",
  "revoke-prefix/*", "revoke-force/*", "leases/revoke-prefix/*", "leases/revoke-force/*", "leases/lookup/*",
  "storage/raft/snapshot-auto/config/*", "leases", "internal/inspect/*", "seal", "step-down",
];

/** hashicorp/vault vault/token_store.go NewTokenStore PathsSpecial.Root (relative to `auth/token/`). */
export const TOKEN_ROOT_PATHS: readonly string[] = ["revoke-orphan/*", "accessors*"];

/**
 * Backend paths with an ExistenceCheck among those the program writes:
 * hashicorp/vault vault/token_store.go "roles/<role_name>" (tokenStoreRoleExistenceCheck) and
 * hashicorp/vault-plugin-auth-kubernetes path_role.go "role/<name>" (pathRoleExistenceCheck).
 * Checked as NOT having one: sys "mounts/<path>", "mounts/<path>/tune", "auth/<path>", "audit/<path>",
 * "policies/acl/<name>" (vault/logical_system_paths.go), kubernetes "config$" (path_config.go),
 * token store "create", "create/<role>", "lookup-accessor", "revoke-accessor", "renew";
 * identity "group$", "group/id/<id>", "group/name/<name>" (vault/identity_store_groups.go groupPaths) and
 * "group-alias$", "group-alias/id/<id>" (vault/identity_store_group_aliases.go groupAliasPaths).
 */
const EXISTENCE_CHECKED: readonly RegExp[] = [/^auth\/token\/roles\/[^/]+$/, /^auth\/[^/]+(\/[^/]+)*\/role\/[^/]+$/];

function matchesRoot(rel: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith("*") ? rel.startsWith(p.slice(0, -1)) : rel === p));
}

/** Whether Vault requires `sudo` on `path` for any operation (root-protected path). */
export function isRootPath(path: string): boolean {
  if (path.startsWith("sys/")) return matchesRoot(path.slice(4), SYS_ROOT_PATHS);
  if (path.startsWith("auth/token/")) return matchesRoot(path.slice("auth/token/".length), TOKEN_ROOT_PATHS);
  return false;
}

export function hasExistenceCheck(path: string): boolean {
  return !path.startsWith("sys/") && EXISTENCE_CHECKED.some((re) => re.test(path));
}

/** The capability Vault checks for `method` on `path`; `entryExists` decides create vs update where an ExistenceCheck runs. */
export function requiredCapability(method: Method, path: string, entryExists: boolean): "create" | "read" | "update" | "delete" | "list" {
  if (method === "GET") return "read";
  if (method === "LIST") return "list";
  if (method === "DELETE") return "delete";
  if (!hasExistenceCheck(path)) return "update";
  return entryExists ? "update" : "create";
}
