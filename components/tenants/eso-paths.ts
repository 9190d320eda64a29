/**
 * The Vault paths External Secrets Operator actually requests for a key.
 * Pure. A model of external-secrets v2.9.0 (commit cc5bfbc2234a)
 * providers/v1/vault/client_get.go `buildPath` and `buildMetadataPath`, used
 * by client_get.go `readSecret`/`SecretExists`, client_get_all_secrets.go
 * `GetAllSecrets`/`listSecrets` (dataFrom find) and client_push.go
 * `PushSecret`/`DeleteSecret` (PushSecret remote keys).
 *
 * `buildPath` with a store `path` (the KV mount) removes ONE leading
 * `<path>/` from the key (and then one `data/` on KV v2) before it puts
 * `<path>/data/` in front; `buildMetadataPath` removes nothing. So the key
 * "secret/team-b/db" on a store whose path is "secret" reads
 * "secret/data/team-b/db", not "secret/data/secret/team-b/db". Every store the
 * program writes has `path: <kv.path>` and `version: v2` (components/eso/eso.ts).
 */

/** The part of a Vault store's spec the path rules read. */
export interface EsoVaultStore {
  /** `spec.provider.vault.path`: the KV mount (unset: the key carries the mount). */
  readonly path?: string;
  readonly version: "v1" | "v2";
}

/** client_get.go `buildPath`: the path ESO reads (and PushSecret writes) for `key`. */
export function esoDataPath(store: EsoVaultStore, key: string): string {
  let out = key;
  if (store.path !== undefined) {
    const cut = `${store.path}/`;
    if (out.startsWith(cut)) {
      out = out.slice(cut.length);
      if (out.startsWith("data/") && store.version === "v2") out = out.slice("data/".length);
    }
    const mount = store.path.split("/");
    if (store.version === "v2") mount.push("data");
    return [...mount, ...out.split("/")].join("/");
  }
  if (!out.includes("/data/") && store.version === "v2") {
    const [first, ...rest] = out.split("/");
    return [first, "data", ...rest].join("/");
  }
  return out;
}

/** client_get.go `buildMetadataPath`: metadata reads, lists (find) and PushSecret's metadata writes; undefined: ESO errors. */
export function esoMetadataPath(store: EsoVaultStore, key: string): string | undefined {
  if (store.version === "v1") return `${store.path}/${key}`;
  if (store.path === undefined) return key.includes("data") ? key.replace("/data/", "/metadata/") : undefined;
  return `${store.path}/metadata/${key}`;
}

/** One Vault request ESO makes for a tenant's object. `child` paths end in a name Vault's list returns. */
export interface EsoRequest {
  readonly op: "read" | "list" | "write";
  readonly path: string;
}

/** A stand-in for a secret name Vault's LIST returns under a searched folder. */
export const LISTED_CHILD = "listed-child";

/** ExternalSecret `data[].remoteRef.key` / `dataFrom[].extract.key` as rendered: one read. */
export function remoteRefRequests(store: EsoVaultStore, key: string): EsoRequest[] {
  return [{ op: "read", path: esoDataPath(store, key) }];
}

/**
 * `dataFrom[].find.path` as rendered: client_get_all_secrets.go lists
 * `buildMetadataPath(path + "/")` (recursively), names each secret
 * `path + "/" + child`, and reads it through `GetSecret` (so `buildPath`).
 */
export function findRequests(store: EsoVaultStore, findPath: string | undefined): EsoRequest[] {
  const search = findPath === undefined ? "" : `${findPath}/`;
  const list = esoMetadataPath(store, search);
  return [...(list === undefined ? [] : [{ op: "list" as const, path: list }]), { op: "read", path: esoDataPath(store, `${search}${LISTED_CHILD}`) }];
}

/** PushSecret `data[].match.remoteRef.remoteKey` as rendered: client_push.go writes `buildPath` and `buildMetadataPath`. */
export function pushRequests(store: EsoVaultStore, remoteKey: string): EsoRequest[] {
  const meta = esoMetadataPath(store, remoteKey);
  return [{ op: "write", path: esoDataPath(store, remoteKey) }, ...(meta === undefined ? [] : [{ op: "write" as const, path: meta }])];
}

/** Whether `path` lies in `subtree` of `mount` (under `data/` or `metadata/`, segment-wise). */
export function withinSubtree(mount: string, subtree: string, path: string): boolean {
  return path.startsWith(`${mount}/data/${subtree}/`) || path.startsWith(`${mount}/metadata/${subtree}/`);
}

/**
 * Why a tenant's relative key (`what` names the field) is refused, or
 * undefined. `rendered` is what the program puts in the object (the subtree
 * joined with the key); the message says what ESO would request.
 */
export function tenantKeyProblem(store: EsoVaultStore & { readonly path: string }, subtree: string, key: string, requests: (rendered: string) => EsoRequest[], what: string): string | undefined {
  const rendered = `${subtree}/${key}`;
  const first = key.split("/")[0];
  const asked = requests(rendered).map((r) => r.path);
  if (first === store.path || first === "data") {
    const rest = key.split("/").slice(first === store.path && key.split("/")[1] === "data" ? 2 : 1).join("/");
    return `${what} starts with "${first}/", but keys are relative to the tenant's subtree: the program would send "${rendered}" and ESO would request ${asked.map((p) => `"${p}"`).join(" and ")}. Fix: drop the prefix${rest ? `, e.g. "${rest}"` : ""}`;
  }
  const outside = asked.find((p) => !withinSubtree(store.path, subtree, p));
  if (outside) {
    return `would make ESO request "${outside}" (external-secrets buildPath strips a leading "${store.path}/" from "${rendered}"), outside the tenant's subtree "${store.path}/data/${subtree}/". Fix: give the tenant a subtree whose first segment is not the KV mount name "${store.path}" (tenancy.pathTemplate / tenancy.org, or the tenant's path)`;
  }
  return undefined;
}

/**
 * Why a tenant subtree is refused: ESO would rewrite every key under it
 * (its first segment is the mount's name), or undefined.
 */
export function subtreeRewriteProblem(store: EsoVaultStore & { readonly path: string }, subtree: string): string | undefined {
  const probe = `${subtree}/${LISTED_CHILD}`;
  const asked = esoDataPath(store, probe);
  if (withinSubtree(store.path, subtree, asked)) return undefined;
  return `the subtree "${subtree}" starts with the KV mount name "${store.path}": external-secrets buildPath strips a leading "${store.path}/" from every key, so ESO would read "${asked}" instead of "${store.path}/data/${probe}", outside this tenant's subtree (in shared tenancy: another tenant's secrets). Fix: a subtree whose first segment is not "${store.path}" (tenancy.pathTemplate / tenancy.org, or the tenant's path), or another kv.path`;
}
