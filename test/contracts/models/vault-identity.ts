/**
 * What Vault's identity store does with the group and group-alias writes the
 * program sends (through terraform-provider-vault's vault_identity_group and
 * vault_identity_group_alias). A model, written from hashicorp/vault:
 * - vault/identity_store_groups.go pathGroupRegister / handleGroupUpdateCommon:
 *   a write with a `name` that exists updates that group and answers nothing
 *   (the provider's identityGroupCreate then fails: "group already exists");
 *   `policies` may not contain root (case-insensitive); `type` is internal
 *   (default) or external and never changes; an external group's members
 *   cannot be set by hand (member_entity_ids, member_group_ids).
 * - vault/identity_store_group_aliases.go handleGroupAliasUpdateCommon: `name`
 *   and `mount_accessor` are required; `canonical_id` must name a group, and an
 *   external one ("alias can't be set on an internal group"); the accessor
 *   must be a mount's, and not a local mount's; the pair (accessor, name)
 *   belongs to one alias ("combination of mount and group alias name is
 *   already in use"); a group holds one alias (`newGroup.Alias = groupAlias`).
 */
export interface GroupWrite {
  readonly name?: string;
  readonly type?: string;
  readonly policies?: readonly string[];
  readonly memberEntityIds?: readonly string[];
  readonly memberGroupIds?: readonly string[];
}

export interface AliasWrite {
  readonly name?: string;
  readonly mountAccessor?: string;
  readonly canonicalId?: string;
}

export type Answer = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly error: string };

interface Group {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  alias?: { readonly id: string; readonly mountAccessor: string; readonly name: string };
}

export class IdentityStore {
  private readonly groups = new Map<string, Group>();
  private next = 0;
  /** `mounts`: accessor -> whether the mount is local. */
  constructor(private readonly mounts: ReadonlyMap<string, { readonly local: boolean }>) {}

  writeGroup(w: GroupWrite): Answer {
    if ((w.policies ?? []).some((p) => p.toLowerCase() === "root")) return { ok: false, error: "policies cannot contain root" };
    const type = w.type ?? "internal";
    if (type !== "internal" && type !== "external") return { ok: false, error: `invalid group type "${type}"` };
    const existing = w.name ? [...this.groups.values()].find((g) => g.name === w.name) : undefined;
    if (existing && existing.type !== type) return { ok: false, error: "group type cannot be changed" };
    if (type === "external" && w.memberEntityIds?.length) return { ok: false, error: "member entities can't be set manually for external groups" };
    if (type === "external" && w.memberGroupIds?.length) return { ok: false, error: "member groups can't be set for external groups" };
    // identityGroupCreate: an empty answer (the name existed and was updated) is an error in the provider.
    if (existing) return { ok: false, error: `group already exists with path="identity/group/name/${w.name}", id="${existing.id}"` };
    const id = `group-${this.next++}`;
    this.groups.set(id, { id, name: w.name ?? `group-${id}`, type });
    return { ok: true, id };
  }

  writeGroupAlias(w: AliasWrite): Answer {
    if (!w.name) return { ok: false, error: "missing alias name" };
    if (!w.mountAccessor) return { ok: false, error: "missing mount_accessor" };
    let group: Group | undefined;
    if (w.canonicalId) {
      group = this.groups.get(w.canonicalId);
      if (!group) return { ok: false, error: "invalid group ID given in 'canonical_id'" };
      if (group.type !== "external") return { ok: false, error: "alias can't be set on an internal group" };
    }
    const mount = this.mounts.get(w.mountAccessor);
    if (!mount) return { ok: false, error: `invalid mount accessor "${w.mountAccessor}"` };
    if (mount.local) return { ok: false, error: `mount accessor "${w.mountAccessor}" is a local mount` };
    for (const g of this.groups.values()) {
      if (g.alias && g.alias.mountAccessor === w.mountAccessor && g.alias.name === w.name) return { ok: false, error: "combination of mount and group alias name is already in use" };
    }
    if (!group) {
      // A new alias without canonical_id creates a new external group for it.
      const gid = `group-${this.next++}`;
      group = { id: gid, name: `group-${gid}`, type: "external" };
      this.groups.set(gid, group);
    }
    const id = `alias-${this.next++}`;
    group.alias = { id, mountAccessor: w.mountAccessor, name: w.name };
    return { ok: true, id };
  }

  /** The external group a login through `accessor` with IdP group `name` joins, if any. */
  groupFor(accessor: string, name: string): string | undefined {
    return [...this.groups.values()].find((g) => g.alias?.mountAccessor === accessor && g.alias.name === name)?.name;
  }
}
