/**
 * A model of what Vault itself does with the writes this program sends to
 * its mount, auth, audit and policy tables. Written from hashicorp/vault's
 * sources (read Nov 2026; functions named on each rule), not copied:
 *
 * - `sys/mounts/<path>`: `vault/logical_system.go` `handleMount` (type
 *   aliases `kv-v1`/`kv-v2`, the `version` option) and `vault/mount.go`
 *   `mount` (protected paths, singleton types) and `mountInternal` (the
 *   prefix conflict: 409 "path is already in use at <path>").
 * - `sys/auth/<path>`: `vault/auth.go` `enableCredentialInternal` (same
 *   prefix conflict, "token credential backend cannot be instantiated").
 * - `sys/audit/<path>`: `vault/audit.go` `enableAudit` ("path already in
 *   use"), `audit/backend_file.go` `newFileBackend` (`file_path` or `path`
 *   required), `audit/entry_formatter_config.go` `newFormatterConfig`
 *   (`format` json|jsonx, `hmac_accessor`/`log_raw`/`elide_list_responses`
 *   parsed with Go's strconv.ParseBool), `audit/backend_config_ce.go`
 *   (`exclude`, `fallback`, `filter` are Enterprise only).
 * - `sys/policies/acl/<name>`: `vault/logical_system.go` `handlePoliciesSet`
 *   (name lowercased; a base64 body is decoded) and `vault/policy_store.go`
 *   `SetPolicy`/`sanitizeName` (lowercased and trimmed; `root`,
 *   `response-wrapping`, `control-group` are immutable).
 * - Root-protected (`sudo`) paths: `vault/logical_system.go`
 *   `NewSystemBackend` `PathsSpecial.Root` (`auth/*`, `audit`, `audit/*`).
 * - What a fresh server holds: `vault/mount.go` `requiredMountTable`
 *   (cubbyhole/, sys/, identity/), the token auth mount, an empty audit
 *   table (`vault/audit.go` `defaultAuditTable`), and for `vault server
 *   -dev` the KV mount `command/server.go` `enableDev` writes to
 *   `sys/mounts/secret` (version 2 unless `-dev-kv-v1`/`-dev-leased-kv`, none
 *   with `-dev-no-kv`).
 *
 * Pure data and functions: no Pulumi, no I/O.
 */

export interface MountEntry {
  /** Always ends in "/" (Vault appends it). */
  readonly path: string;
  readonly type: string;
  readonly description: string;
  /** `null` when none were given (what `vault secrets list -format=json` shows). */
  readonly options: Readonly<Record<string, string>> | null;
  readonly local: boolean;
  readonly sealWrap: boolean;
  readonly externalEntropyAccess: boolean;
}

export interface VaultServer {
  /** Secrets engines (`sys/mounts`). */
  readonly mounts: MountEntry[];
  /** Auth methods (`sys/auth`), paths without the `auth/` prefix. */
  readonly auth: MountEntry[];
  /** Audit devices (`sys/audit`). */
  readonly audit: MountEntry[];
  /** ACL policies by (sanitized) name. */
  readonly policies: Map<string, string>;
}

export type VaultResult<T = undefined> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: number; readonly error: string };

const ok = <T>(value: T): VaultResult<T> => ({ ok: true, value });
const fail = (status: number, error: string): VaultResult<never> => ({ ok: false, status, error });

/** vault/mount.go `protectedMounts`: secrets engines may not be mounted under these. */
export const PROTECTED_MOUNTS = ["audit/", "auth/", "sys/", "cubbyhole/", "identity/"] as const;
/** vault/mount.go `singletonMounts`: types, not paths, that cannot be mounted again. */
export const SINGLETON_MOUNT_TYPES = ["cubbyhole", "system", "token", "identity"] as const;
/** vault/policy_store.go `immutablePolicies`. */
export const IMMUTABLE_POLICIES = ["root", "response-wrapping", "control-group"] as const;
/** vault/logical_system.go `PathsSpecial.Root` entries that concern this program's writes (relative to `sys/`). */
export const SUDO_SYS_PATHS = ["auth/*", "audit", "audit/*", "remount"] as const;

const entry = (path: string, type: string, description: string, extra: Partial<MountEntry> = {}): MountEntry => ({
  path,
  type,
  description,
  options: null,
  local: false,
  sealWrap: false,
  externalEntropyAccess: false,
  ...extra,
});

export interface ServerOptions {
  /** `vault server -dev` (adds secret/). */
  readonly dev?: boolean;
  /** `-dev-kv-v1` or `-dev-leased-kv`: secret/ is KV version 1. */
  readonly devKvV1?: boolean;
  /** `-dev-no-kv`: no secret/ mount. */
  readonly devNoKv?: boolean;
}

/** A freshly initialised server: `vault operator init` (default) or `vault server -dev`. */
export function freshServer(o: ServerOptions = {}): VaultServer {
  const mounts = [
    entry("cubbyhole/", "cubbyhole", "per-token private secret storage", { local: true }),
    entry("sys/", "system", "system endpoints used for control, policy and debugging", { sealWrap: true }),
    entry("identity/", "identity", "identity store"),
  ];
  const server: VaultServer = {
    mounts,
    auth: [entry("token/", "token", "token based credentials")],
    audit: [],
    policies: new Map([["default", "# Vault's default policy"]]),
  };
  if (o.dev && !o.devNoKv) {
    // command/server.go enableDev: a normal sys/mounts/secret request, as root.
    const r = enableSecretsEngine(server, {
      path: "secret",
      type: "kv",
      description: "key/value secret storage",
      options: { version: o.devKvV1 ? "1" : "2" },
    });
    if (!r.ok) throw new Error(`model error: the dev KV mount failed: ${r.error}`);
  }
  return server;
}

/** vault/logical_system.go `sanitizePath`: no leading "/", one trailing "/". */
export function sanitizePath(p: string): string {
  let s = p.replace(/^\/+/, "");
  if (!s.endsWith("/")) s += "/";
  return s;
}

function prefixConflict(table: readonly MountEntry[], path: string): MountEntry | undefined {
  return table.find((e) => e.path.startsWith(path) || path.startsWith(e.path));
}

export interface MountRequest {
  readonly path: string;
  readonly type: string;
  readonly description?: string;
  readonly options?: Readonly<Record<string, string>>;
  readonly local?: boolean;
  readonly sealWrap?: boolean;
}

/** `POST sys/mounts/<path>`: handleMount, then Core.mount and mountInternal. */
export function enableSecretsEngine(server: VaultServer, req: MountRequest): VaultResult<MountEntry> {
  const path = sanitizePath(req.path);
  let type = req.type;
  let options: Record<string, string> | null = req.options ? { ...req.options } : null;
  if (type === "") return fail(400, "backend type must be specified as a string");
  switch (type) {
    case "kv":
      break;
    case "kv-v1":
    case "kv-v2":
      options = { ...(options ?? {}), version: type === "kv-v1" ? "1" : "2" };
      type = "kv";
      break;
    default:
      if (options && options.version) return fail(400, `secrets engine "${type}" does not allow setting a version`);
  }
  for (const p of PROTECTED_MOUNTS) if (path.startsWith(p)) return fail(403, `cannot mount "${path}"`);
  if ((SINGLETON_MOUNT_TYPES as readonly string[]).includes(type)) return fail(403, `mount type of "${type}" is not mountable`);
  const conflict = prefixConflict(server.mounts, path);
  if (conflict) return fail(409, `path is already in use at ${conflict.path}`);
  const e = entry(path, type, req.description ?? "", { options, local: !!req.local, sealWrap: !!req.sealWrap });
  server.mounts.push(e);
  return ok(e);
}

export interface AuthRequest {
  readonly path: string;
  readonly type: string;
  readonly description?: string;
  readonly local?: boolean;
}

/** `POST sys/auth/<path>` (sudo): enableCredentialInternal. */
export function enableAuthMethod(server: VaultServer, req: AuthRequest): VaultResult<MountEntry> {
  const path = sanitizePath(req.path);
  if (path === "/") return fail(400, "backend path must be specified");
  const conflict = prefixConflict(server.auth, path);
  if (conflict) return fail(409, `path is already in use at ${conflict.path}`);
  if (req.type === "token") return fail(400, "token credential backend cannot be instantiated");
  const e = entry(path, req.type, req.description ?? "", { local: !!req.local });
  server.auth.push(e);
  return ok(e);
}

/** Go's strconv.ParseBool. */
export function goParseBool(s: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}

export const AUDIT_DEVICE_TYPES = ["file", "socket", "syslog"] as const;
const ENTERPRISE_AUDIT_OPTIONS = ["exclude", "fallback", "filter"];

export interface AuditRequest {
  readonly path: string;
  readonly type: string;
  readonly description?: string;
  readonly local?: boolean;
  readonly options: Readonly<Record<string, string>>;
}

/** `PUT sys/audit/<path>` (sudo): enableAudit and the device factories. */
export function enableAuditDevice(server: VaultServer, req: AuditRequest): VaultResult<MountEntry> {
  const path = sanitizePath(req.path);
  if (path === "/") return fail(400, "backend path must be specified");
  if (server.audit.some((e) => e.path.startsWith(path) || path.startsWith(e.path))) return fail(400, "path already in use");
  if (!(AUDIT_DEVICE_TYPES as readonly string[]).includes(req.type)) return fail(400, `unknown backend type: "${req.type}"`);
  const o = req.options;
  if (ENTERPRISE_AUDIT_OPTIONS.some((k) => k in o)) return fail(400, "enterprise-only options supplied");
  if (req.type === "file" && !("file_path" in o) && !("path" in o)) return fail(400, '"file_path" is required');
  if ("format" in o && o.format !== "json" && o.format !== "jsonx") return fail(400, 'unsupported "format"');
  for (const k of ["hmac_accessor", "log_raw", "elide_list_responses"]) {
    if (k in o && goParseBool(o[k]) === undefined) return fail(400, `unable to parse "${k}"`);
  }
  if (req.type === "file" && "mode" in o && !/^[0-7]+$/.test(o.mode)) return fail(400, `unable to parse file mode "${o.mode}"`);
  if (req.type === "socket" && !("address" in o)) return fail(400, '"address" is required');
  const e = entry(path, req.type, req.description ?? "", { options: { ...o }, local: !!req.local });
  server.audit.push(e);
  return ok(e);
}

/** vault/policy_store.go `sanitizeName` (Go's TrimSpace, then ToLower). */
export function sanitizePolicyName(name: string): string {
  return name.trim().toLowerCase();
}

/** Go's base64.StdEncoding.DecodeString succeeding (padded standard alphabet). */
function isStdBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

/**
 * `PUT sys/policies/acl/<name>`: handlePoliciesSet + SetPolicy. An upsert:
 * nothing checks whether the policy exists. Returns the stored name and text.
 */
export function setPolicy(server: VaultServer, name: string, text: string): VaultResult<{ name: string; text: string }> {
  const stored = sanitizePolicyName(name.toLowerCase());
  if (name.toLowerCase() === "") return fail(400, "policy name must be provided in the URL");
  if (text === "") return fail(400, "'policy' parameter not supplied or empty");
  const raw = isStdBase64(text) ? Buffer.from(text, "base64").toString("utf8") : text;
  if ((IMMUTABLE_POLICIES as readonly string[]).includes(stored)) return fail(400, `cannot update "${stored}" policy`);
  server.policies.set(stored, raw);
  return ok({ name: stored, text: raw });
}

/** Whether a request to `sys/<rel>` needs `sudo` in the caller's policy (Vault's glob match on PathsSpecial.Root). */
export function sysPathNeedsSudo(rel: string): boolean {
  return SUDO_SYS_PATHS.some((p) => (p.endsWith("*") ? rel.startsWith(p.slice(0, -1)) : rel === p));
}

/** `vault secrets list -format=json` for the server: what the provider reads back. */
export function secretsList(server: VaultServer): Record<string, MountEntry> {
  return Object.fromEntries(server.mounts.map((m) => [m.path, m]));
}
