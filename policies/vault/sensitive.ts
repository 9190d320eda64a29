/**
 * The sensitive path space of a Vault server: the endpoints that change who
 * may do what (policies, auth methods and their roles, users and config,
 * token roles and token creation, identities), what is mounted, audited or
 * loaded, and the endpoints that expose or destroy everything at once (raw
 * storage, snapshots, leases, keys, seal). Each entry is a pattern in
 * `patterns.ts` notation (`+` one segment, `**` one or more segments, a
 * trailing `*` any continuation) with the capabilities that are dangerous
 * there. Every entry also applies behind a Vault Enterprise namespace prefix
 * (`ns1/sys/...`). Pure.
 *
 * Sources (hashicorp/vault): vault/logical_system_paths.go and
 * vault/logical_system.go (`sys/` endpoints; the root-protected ones are
 * `PathsSpecial.Root` in logical_system.go), vault/token_store.go
 * (`auth/token/create*`, `roles/`, `revoke*`), vault/identity_store*.go
 * (`identity/entity*`, `group*`, `*alias*`, `oidc/`, `mfa/`), and the auth
 * plugins' role/user/group/config paths (vault-plugin-auth-kubernetes
 * path_role.go `role/<name>`, path_config.go `config`; builtin/credential/
 * approle `role/<name>/secret-id`; jwt `role/`, `config`; userpass/ldap/okta
 * `users/`, `groups/`; github `map/teams/`; cert `certs/`). An auth method
 * may be mounted at any path (`auth/<one or more segments>/...`).
 *
 * Current Vault needs no `sudo` for `sys/policies/acl/*` (only the legacy
 * `sys/policy/*` list is root-protected), so `create`/`update`/`delete`
 * alone are dangerous; `read`/`list` are dangerous only where they reveal
 * secrets (raw storage, snapshots).
 */
import type { Capability } from "./model";
import { policyMeetsSensitive, ReachOptions } from "./patterns";

/** Capabilities that change state (and `sudo`, which unlocks root-protected endpoints). */
const WRITE: readonly Capability[] = ["create", "update", "patch", "delete", "sudo", "recover"];
/** Write, and reading or listing: for endpoints whose reads expose every secret. */
const READ_WRITE: readonly Capability[] = [...WRITE, "read", "list"];

export interface SensitiveEndpoint {
  /** What the endpoint controls (shown in violations). */
  readonly what: string;
  readonly pattern: string;
  readonly dangerous: readonly Capability[];
}

const e = (what: string, dangerous: readonly Capability[], ...patterns: string[]): SensitiveEndpoint[] => patterns.map((pattern) => ({ what, pattern, dangerous }));

export const SENSITIVE_ENDPOINTS: readonly SensitiveEndpoint[] = [
  ...e("ACL and other policies", WRITE, "sys/policy/+", "sys/policies/acl/+", "sys/policies/rgp/+", "sys/policies/egp/**", "sys/policies/password/+"),
  ...e("secrets engine mounts", WRITE, "sys/mounts/**", "sys/remount", "sys/remount/**"),
  ...e("auth methods", WRITE, "sys/auth/**"),
  ...e("audit devices", WRITE, "sys/audit/**", "sys/config/auditing/**"),
  ...e("raw storage", READ_WRITE, "sys/raw", "sys/raw/**"),
  ...e("storage and snapshots", READ_WRITE, "sys/storage/**"),
  ...e("plugins", WRITE, "sys/plugins/**"),
  ...e("leases", WRITE, "sys/leases/revoke*", "sys/leases/tidy", "sys/revoke*", "sys/leases/lookup/**"),
  ...e("keys, root generation and seal", WRITE, "sys/rotate*", "sys/rekey*", "sys/generate-root*", "sys/generate-recovery-token*", "sys/seal", "sys/step-down", "sys/replication/**"),
  ...e("namespaces", WRITE, "sys/namespaces/**"),
  ...e("server configuration", WRITE, "sys/config/**", "sys/quotas/**", "sys/managed-keys/**", "sys/mfa/method/**"),
  ...e("auth method roles", WRITE, "auth/**/role/+", "auth/**/role/+/**", "auth/**/roles/+"),
  ...e("auth method users and groups", WRITE, "auth/**/users/+", "auth/**/groups/+", "auth/**/map/**", "auth/**/certs/+"),
  ...e("auth method configuration", WRITE, "auth/**/config", "auth/**/config/**"),
  ...e("token creation and revocation", WRITE, "auth/token/create*", "auth/token/revoke*", "auth/token/tidy"),
  ...e("identity entities, groups and aliases", WRITE, "identity/entity*", "identity/group*", "identity/alias*", "identity/persona*"),
  ...e("identity OIDC and MFA configuration", WRITE, "identity/oidc/config", "identity/oidc/key*", "identity/oidc/role*", "identity/oidc/client*", "identity/oidc/assignment*", "identity/oidc/scope*", "identity/oidc/provider/+", "identity/mfa/**"),
];

export interface SensitiveHit {
  readonly endpoint: SensitiveEndpoint;
  /** The dangerous capabilities the rule grants there. */
  readonly capabilities: readonly Capability[];
  /** A concrete request path the rule's pattern and the endpoint both match. */
  readonly witness: string;
}

/**
 * Every sensitive endpoint class a policy path (as written: templates,
 * `+`, `*`, a leading `/`) reaches with a dangerous capability, one witness
 * per class.
 */
export function sensitiveReach(path: string, capabilities: readonly Capability[], options: ReachOptions = {}): SensitiveHit[] {
  if (capabilities.includes("deny")) return [];
  const out: SensitiveHit[] = [];
  const classes = [...new Set(SENSITIVE_ENDPOINTS.map((x) => x.what))];
  for (const what of classes) {
    const endpoints = SENSITIVE_ENDPOINTS.filter((x) => x.what === what);
    const caps = capabilities.filter((c) => endpoints[0].dangerous.includes(c));
    if (caps.length === 0) continue;
    // This namespace's endpoints first (the plainer witness), then other namespaces'; the shortest witness of the class.
    for (const viaNamespace of [false, true]) {
      const hits = endpoints.flatMap((endpoint) => {
        const witness = policyMeetsSensitive(path, endpoint.pattern, options, viaNamespace);
        return witness === undefined ? [] : [{ endpoint, capabilities: caps, witness }];
      });
      if (hits.length === 0) continue;
      out.push(hits.reduce((a, b) => (b.witness.length < a.witness.length ? b : a)));
      break;
    }
  }
  return out;
}
