/**
 * Config `vault-eso:tenants[].writers`: the people who write a tenant's
 * secrets (`vault kv put`), as a Vault external identity group mapped to a
 * group of the organisation's SSO, with a writer policy on the tenant's own
 * subtree. Pure: the zod schema and the cross-tenant checks.
 *
 * Vault's rules, read from hashicorp/vault (vault/identity_store_groups.go
 * handleGroupUpdateCommon, vault/identity_store_group_aliases.go
 * handleGroupAliasUpdateCommon, vault/mount.go generateMountAccessor) and
 * modelled in test/contracts/models/vault-identity.ts:
 * - a group alias needs `name` and `mount_accessor`, may only point at an
 *   `external` group, and the pair (mount accessor, alias name) is unique in
 *   Vault: two tenants cannot map the same IdP group on the same mount;
 * - group names are unique ("group name is already in use");
 * - an auth mount's accessor is `auth_<type>_<8 hex digits>`.
 */
import { z } from "zod";
import { checked, vaultName } from "../config/schema-helpers";
import { normaliseVaultName } from "../../policies/vault/names";

/** hashicorp/vault vault/mount.go generateMountAccessor("auth_" + type): `auth_<type>_%08x`. */
export const AUTH_ACCESSOR = /^auth_[A-Za-z0-9_-]+_[0-9a-f]{8}$/;

export const writersSchema = z.strictObject({
  group: vaultName("tenants[].writers.group").optional().meta({ description: "The Vault identity group (type external) that carries the writer policy.", defaultText: "`tenant-<name>-writers`" }),
  /** The SSO group mapped onto it: an external group alias on an auth mount (OIDC, LDAP, ...). */
  alias: z.strictObject({
    /**
     * The accessor of the auth mount people log in through, e.g. `auth_oidc_1a2b3c4d`
     * (`vault auth list -format=json | jq -r '."oidc/".accessor'`).
     */
    mountAccessor: checked((v) =>
      AUTH_ACCESSOR.test(v)
        ? undefined
        : `tenants[].writers.alias.mountAccessor must be an auth mount accessor like "auth_oidc_1a2b3c4d" (Vault names them auth_<type>_<8 hex digits>). Fix: vault auth list -format=json | jq -r '."oidc/".accessor'`,
    ).describe("The accessor of the auth mount people log in through, e.g. `auth_oidc_1a2b3c4d` (`vault auth list -format=json`)."),
    /** The group's name as the auth method reports it (OIDC `groups_claim` value, LDAP group CN, ...). */
    name: z.string().min(1).describe("The group's name as the auth method reports it (OIDC `groups_claim` value, LDAP group CN, ...)."),
  }).describe("The SSO group mapped onto the identity group: an external group alias on an auth mount (OIDC, LDAP, ...)."),
  /** Grant `vault kv delete` / `undelete` (soft delete) too. Permanent destruction stays with administrators. Default false. */
  allowDelete: z.boolean().default(false).describe("Also grant `vault kv delete` / `undelete` (soft delete) on the subtree. Permanent destruction stays with administrators."),
});

export type WritersConfig = z.infer<typeof writersSchema>;

/** Suffix of a tenant's writer policy name (`tenant-<name>-writer`). */
export const WRITER_POLICY_SUFFIX = "-writer";

export function tenantWriterPolicyName(tenant: string): string {
  return `tenant-${tenant}${WRITER_POLICY_SUFFIX}`;
}

export function tenantWriterGroupName(tenant: string, w: Pick<WritersConfig, "group">): string {
  return w.group ?? `tenant-${tenant}-writers`;
}

export function checkWriters(
  tenants: ReadonlyArray<{ readonly name: string; readonly writers?: WritersConfig }>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const groups = new Map<string, string>();
  const aliases = new Map<string, string>();
  tenants.forEach((t, i) => {
    const w = t.writers;
    if (!w) return;
    // A writer policy named like another tenant's policy: vault-objects.ts vaultObjectClashes (config.ts).
    const group = tenantWriterGroupName(t.name, w);
    // Group names and alias names are case-insensitive in Vault's identity store (policies/vault/names.ts).
    const groupKey = normaliseVaultName("group", group);
    const sameGroup = groups.get(groupKey);
    if (sameGroup !== undefined) {
      // vault/identity_store_groups.go handleGroupUpdateCommon: "group name is already in use".
      issue(["tenants", i, "writers", "group"], `"${group}" is also tenant "${sameGroup}"'s writer group: Vault group names are unique, and one group would write both subtrees. Fix: give each tenant its own group`);
    }
    groups.set(groupKey, t.name);
    const key = `${w.alias.mountAccessor}\u0000${normaliseVaultName("groupAlias", w.alias.name)}`;
    const sameAlias = aliases.get(key);
    if (sameAlias !== undefined) {
      // vault/identity_store_group_aliases.go handleGroupAliasUpdateCommon: "combination of mount and group alias name is already in use".
      issue(["tenants", i, "writers", "alias", "name"], `the SSO group "${w.alias.name}" on ${w.alias.mountAccessor} is already mapped to tenant "${sameAlias}"'s writers: Vault allows one group alias per (mount, name). Fix: map a different SSO group`);
    }
    aliases.set(key, t.name);
  });
}
