/**
 * What a change to a stack's config takes away, judged against the previous deployment's shape (the
 * previous render's `out/<stack>/outputs.json`, the same fields `pulumi stack output --json` gives:
 * storeName, kvPath, tenants{namespace, role, store, subtree}). Pure.
 *
 * ExternalSecrets have no await: `pulumi up` succeeds when they point at an empty subtree or a store that
 * is gone, and the team finds out when its Secrets stop updating (or, with `creationPolicy: Owner`, are
 * garbage-collected with their ExternalSecret). So each change that makes data unreachable or removes a
 * tenant is named, and `npm run render` refuses it unless `--acknowledge` names its id:
 *
 * - `remove:<tenant>`: offboarding. Vault role and policy, SecretStore, ExternalSecrets (and the Secrets
 *   ESO owns through them), PushSecrets, service account go; the namespace stays unless the tenant had
 *   `deleteNamespaceOnRemoval: true` at the last `up`; its subtree stays in Vault (a tenant of the same
 *   name later inherits it).
 * - `subtree:<tenant>`: the tenant's subtree moves (`tenancy.pathTemplate`, `org`, `environment`, the
 *   tenant's `path`): its ExternalSecrets read the new, possibly empty, subtree; the old one becomes
 *   unreachable to them.
 * - `store:<old name>`: the ClusterSecretStore is renamed (`store.name`): ExternalSecrets users wrote
 *   against the old name stop syncing.
 * - `tenantStore:<tenant>`: the tenant's SecretStore is renamed (`tenancy.storeName`), same effect.
 * - `kvPath:<old mount>`: every store reads another KV mount.
 *
 * The deployer policy must cover what the change deletes: rendered from the previous render's Vault
 * resources as well as the new ones (`withPreviousResources`), so an admin who applies the re-rendered
 * policy before `up` (as docs/deployer-policy.md advises) does not leave offboarding halfway: without
 * it `up` deletes the ESO objects, then gets 403 on the removed tenant's role and policy, which stay.
 */
import type { DeployedResource } from "../../policies/vault/deployer";

export interface DeployedShape {
  readonly storeName?: string;
  readonly kvPath?: string;
  readonly tenants?: Readonly<Record<string, { readonly namespace?: string; readonly role?: string; readonly store?: string; readonly subtree?: string }>>;
}

export interface DayTwoChange {
  /** What `--acknowledge` must name. */
  readonly id: string;
  readonly message: string;
}

export function dayTwoChanges(prev: DeployedShape, next: DeployedShape): DayTwoChange[] {
  const out: DayTwoChange[] = [];
  if (prev.kvPath !== undefined && next.kvPath !== undefined && prev.kvPath !== next.kvPath) {
    out.push({ id: `kvPath:${prev.kvPath}`, message: `the KV mount changes from ${prev.kvPath} to ${next.kvPath}: every store reads the new mount; nothing under ${prev.kvPath} is reachable through ESO any more` });
  }
  if (prev.storeName !== undefined && next.storeName !== undefined && prev.storeName !== next.storeName) {
    out.push({ id: `store:${prev.storeName}`, message: `the ClusterSecretStore ${prev.storeName} is replaced by ${next.storeName}: ExternalSecrets outside this stack that name ${prev.storeName} stop syncing` });
  }
  const before = prev.tenants ?? {};
  const after = next.tenants ?? {};
  for (const [name, t] of Object.entries(before).sort(([a], [b]) => a.localeCompare(b))) {
    const n = after[name];
    if (!n) {
      out.push({
        id: `remove:${name}`,
        message: `tenant ${name} is removed: its Vault role ${t.role ?? "?"} and policy, SecretStore, ExternalSecrets (and the Secrets ESO owns through them), PushSecrets and service account are deleted; its namespace ${t.namespace ?? name} is kept unless it had deleteNamespaceOnRemoval: true at the last up; its subtree ${t.subtree ?? "?"} stays in Vault and a tenant named ${name} later inherits it (docs/operations.md#offboarding)`,
      });
      continue;
    }
    if (t.subtree !== undefined && n.subtree !== undefined && t.subtree !== n.subtree) {
      out.push({ id: `subtree:${name}`, message: `tenant ${name}'s subtree moves from ${t.subtree} to ${n.subtree}: its ExternalSecrets read the new subtree; what is under ${t.subtree} becomes unreachable to them (copy it first: docs/operations.md#renaming)` });
    }
    if (t.store !== undefined && n.store !== undefined && t.store !== n.store) {
      out.push({ id: `tenantStore:${name}`, message: `tenant ${name}'s SecretStore ${t.store} becomes ${n.store}: ExternalSecrets its team wrote against ${t.store} stop syncing` });
    }
  }
  return out;
}

/** The changes `acknowledged` does not name (exact ids). */
export function unacknowledged(changes: readonly DayTwoChange[], acknowledged: readonly string[]): DayTwoChange[] {
  const acks = new Set(acknowledged);
  return changes.filter((c) => !acks.has(c.id));
}

/**
 * The resources the deployer policy is built from: the new render's, plus every resource of the previous
 * render it no longer has (the ones `up` will delete; retained ones need no delete call and the builder
 * drops their delete calls itself). `goingAway` lists those added back.
 */
export function withPreviousResources(current: readonly DeployedResource[], previous: readonly DeployedResource[]): { resources: DeployedResource[]; goingAway: DeployedResource[] } {
  const key = (r: DeployedResource) => `${r.type}::${r.name}`;
  const now = new Set(current.map(key));
  const goingAway = previous.filter((r) => !now.has(key(r)));
  return { resources: [...current, ...goingAway], goingAway };
}
