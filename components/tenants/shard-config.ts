/**
 * Sharding tenants into tenant stacks (docs/sharding.md). Pure.
 *
 * - The platform stack declares which tenant stack owns which tenants
 *   (`vault-eso:shards`) and publishes, as one versioned stack output
 *   (`tenantContract`), everything a tenant stack needs.
 * - A tenant stack names its platform (`vault-eso:platform: <org>/<project>/<stack>`),
 *   reads that output through a StackReference, and builds only its own
 *   `TenantNamespace`s. Before registering anything it refuses a tenant it does
 *   not own, one another stack owns, and one the platform builds itself.
 */
import { z } from "zod";
import { isDns1123Label } from "../config/names";
import { caBundleProblem } from "../config/ca-pem";
import { dnsLabel } from "../config/schema-helpers";
import { subtreesOverlap } from "../../policies/vault/paths";
import { describeVaultObjectKey, vaultObjectKey } from "../../policies/vault/names";
import { tenantPushPolicyName } from "./push-config";
import { RESERVED_NAMESPACES } from "./tenancy-config";
import { shardTenantVaultObjectKeys } from "./vault-objects";

/**
 * The version of the `tenantContract` output this program publishes and reads.
 * 2: `vaultObjects` (the Vault objects each stack owns). A version-1 contract is refused, naming both versions.
 */
export const TENANT_CONTRACT_VERSION = 2;
/** The stack output a tenant stack reads. */
export const TENANT_CONTRACT_OUTPUT = "tenantContract";

/** `<org>/<project>/<stack>`, as `pulumi stack ls --json` and StackReference name stacks. */
export const STACK_REF = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const stackRef = (what: string) =>
  z.string().regex(STACK_REF, { error: `${what} must be a fully qualified stack name "<org>/<project>/<stack>". Fix: e.g. "acme/vault-eso/prod" (pulumi stack ls shows the names; self-managed backends use the organization "organization")` });

/** `vault-eso:shards`: tenant stack -> the tenants it owns. */
export const shardsSchema = z.record(stackRef("a shard key"), z.array(dnsLabel("a tenant name")).min(1));
export type ShardsConfig = z.infer<typeof shardsSchema>;

/** CA trust a tenant SecretStore needs, as the platform set it up. */
export type ContractCa =
  | { readonly kind: "none" }
  | { readonly kind: "bundle"; readonly pem: string }
  | { readonly kind: "configMap"; readonly name: string; readonly key: string; readonly pem: string };

/** The versioned output a platform publishes for its tenant stacks (docs/sharding.md). */
export interface TenantContract {
  readonly version: number;
  /** The platform stack that published it (`<org>/<project>/<stack>`). */
  readonly platformStack: string;
  readonly environment: "dev" | "prod";
  readonly vault: {
    /** Where Pulumi reaches Vault (a tenant stack's provider default). */
    readonly address: string;
    /** Where ESO reaches Vault. */
    readonly serverForEso: string;
    readonly namespace?: string;
  };
  readonly kv: { readonly path: string; readonly esoScope: string };
  readonly kubernetesAuth: {
    readonly path: string;
    readonly audience: string;
    readonly tokenReview: "clientJwt" | "reviewerServiceAccount";
    readonly apiAudiences: readonly string[];
    /** What each tenant store's token must carry (`storeTokenAudiences`); a tenant stack checks it agrees. */
    readonly storeAudiences: readonly string[];
  };
  readonly eso: { readonly tokenTtlSeconds: number; readonly tokenMaxTtlSeconds: number };
  readonly tenancy: {
    readonly mode: "isolated";
    readonly policy: "perTenant" | "templated";
    /** The identity-templated policy every tenant role uses (templated mode). */
    readonly templatedPolicyName?: string;
    /** Its text (HCL), for the guard pack's `tenant-reach-disjoint.externalPolicies` in tenant stacks. */
    readonly templatedPolicy?: string;
    readonly pathTemplate: string;
    readonly org: string;
    readonly cluster: string;
    readonly serviceAccountName: string;
    readonly storeName: string;
    readonly developerClusterRole: string;
    readonly podSecurity: "restricted" | "baseline" | "privileged";
  };
  readonly ca: ContractCa;
  /** Namespaces no tenant may take (system and the platform's own). */
  readonly reservedNamespaces: readonly string[];
  /** Tenants the platform stack builds itself. */
  readonly platformTenants: readonly string[];
  /** Tenant stack -> the tenants it owns (the platform's `vault-eso:shards`). */
  readonly shards: Readonly<Record<string, readonly string[]>>;
  /**
   * Since version 2: every named Vault object (policies, Kubernetes auth roles, token roles,
   * identity groups, group aliases) keyed as Vault stores the name (policies/vault/names.ts
   * `vaultObjectKey`, e.g. `policy:tenant-a`, `kubernetesRole:kubernetes/tenant-a`):
   * `platform`, what the platform stack writes; `shards[stack]`, everything the tenants the
   * platform assigns to that stack may write (with every feature a tenant stack may enable).
   */
  readonly vaultObjects: {
    readonly platform: readonly string[];
    readonly shards: Readonly<Record<string, readonly string[]>>;
  };
}

/** Per tenant stack, every Vault object its assigned tenants may write (one function for the platform's contract and its checks). */
export function shardVaultObjects(shards: ShardsConfig | undefined, policyMode: "perTenant" | "templated", authPath: string): Record<string, string[]> {
  return Object.fromEntries(Object.entries(shards ?? {}).map(([stack, tenants]) => [stack, [...new Set(tenants.flatMap((t) => shardTenantVaultObjectKeys(t, policyMode, authPath)))].sort()]));
}

/** The first owner (other than `self`) of each key, in `owners` order. */
function ownersOf(owners: ReadonlyArray<readonly [string, readonly string[]]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [owner, keys] of owners) for (const k of keys) out.set(k, [...(out.get(k) ?? []), owner]);
  return out;
}

type Issue = (path: (string | number)[], message: string) => void;

/**
 * Platform side: each tenant owned once, by one tenant stack or by the
 * platform itself; sharding needs isolated tenancy (in shared mode the
 * platform's ClusterSecretStore and ESO policy list every tenant).
 */
export function checkShards(
  shards: ShardsConfig | undefined,
  ctx: {
    thisStack?: string;
    ownTenants: readonly string[];
    mode: "isolated" | "shared";
    policyMode?: "perTenant" | "templated";
    authPath?: string;
    /** The platform's own tenants' Vault objects (vault-objects.ts `tenantVaultObjectKeys`). */
    ownVaultObjects?: ReadonlyArray<{ readonly tenant: string; readonly keys: readonly string[] }>;
  },
  issue: Issue,
): void {
  if (!shards) return;
  if (ctx.policyMode && ctx.authPath !== undefined) {
    // Two different tenants of two owners deriving one Vault object: the last `pulumi up` would win (a write is an
    // upsert). One tenant claimed twice is reported once, below, as an ownership problem.
    const platform = `the platform stack${ctx.thisStack ? ` "${ctx.thisStack}"` : ""}`;
    const sources = new Map<string, Array<{ owner: string; tenant: string }>>();
    const add = (owner: string, tenant: string, keys: readonly string[]) => {
      for (const k of keys) sources.set(k, [...(sources.get(k) ?? []), { owner, tenant }]);
    };
    for (const o of ctx.ownVaultObjects ?? []) add(platform, o.tenant, o.keys);
    for (const [stack, tenants] of Object.entries(shards)) for (const t of tenants) add(`tenant stack "${stack}"`, t, shardTenantVaultObjectKeys(t, ctx.policyMode, ctx.authPath));
    for (const [stack] of Object.entries(shards)) {
      const me = `tenant stack "${stack}"`;
      for (const [key, from] of sources) {
        const mine = from.filter((f) => f.owner === me);
        const other = from.find((f) => f.owner !== me && !mine.some((m) => m.tenant === f.tenant));
        // Reported once, under the later stack of the pair.
        if (mine.length === 0 || !other || from.findIndex((f) => f.owner === me) < from.indexOf(other)) continue;
        issue(["shards", stack], `${describeVaultObjectKey(key)} would be written by ${other.owner} (tenant "${other.tenant}") and ${me} (tenant "${mine[0].tenant}"): a Vault write is an upsert, so the last pulumi up would take it over. Fix: rename one of the two tenants`);
      }
    }
  }
  const owner = new Map<string, string>();
  const own = new Set(ctx.ownTenants);
  if (ctx.mode !== "isolated") {
    issue(["shards"], 'tenant stacks need tenancy.mode "isolated" (in shared mode the ClusterSecretStore and the ESO policy of this stack list every tenant). Fix: set tenancy.mode: isolated, or keep the tenants in this stack');
  }
  for (const [stack, tenants] of Object.entries(shards)) {
    if (ctx.thisStack !== undefined && stack === ctx.thisStack) {
      issue(["shards", stack], `names this platform stack itself. Fix: list its tenants under vault-eso:tenants / tenantFiles instead`);
    }
    tenants.forEach((t, i) => {
      if (!isDns1123Label(t)) return;
      const first = owner.get(t);
      if (first !== undefined && first !== stack) {
        issue(["shards", stack, i], `tenant "${t}" is claimed by two tenant stacks, "${first}" and "${stack}". Fix: keep it under one of them`);
      } else if (first === stack) {
        issue(["shards", stack, i], `tenant "${t}" is listed twice for "${stack}". Fix: remove one`);
      }
      owner.set(t, stack);
      if (own.has(t)) {
        issue(["shards", stack, i], `tenant "${t}" is built by this platform stack${ctx.thisStack ? ` "${ctx.thisStack}"` : ""} (vault-eso:tenants / tenantFiles) and claimed by tenant stack "${stack}". Fix: keep it in one of them`);
      }
    });
  }
}

export interface ShardTenant {
  readonly name: string;
  readonly path?: string;
  readonly hasPush: boolean;
  readonly hasWriters?: boolean;
  /** Keys of the Vault objects it writes (components/tenants/vault-objects.ts `tenantVaultObjectKeys`). */
  readonly vaultObjects?: readonly string[];
}

/**
 * Tenant side: the problems of this tenant stack's tenants against the
 * platform's contract. `label(i)` names the tenant's config key (its file).
 */
export function shardProblems(
  thisStack: string,
  contract: TenantContract,
  tenants: readonly ShardTenant[],
  subtreeOf: (name: string) => string,
): Array<{ index: number; field: "name" | "path" | "push" | "writers"; message: string }> {
  const out: Array<{ index: number; field: "name" | "path" | "push" | "writers"; message: string }> = [];
  const platform = contract.platformStack;
  const ownerOf = new Map<string, string>();
  for (const [stack, names] of Object.entries(contract.shards)) for (const n of names) if (!ownerOf.has(n)) ownerOf.set(n, stack);
  const platformTenants = new Set(contract.platformTenants);
  const reserved = new Set([...RESERVED_NAMESPACES, ...contract.reservedNamespaces]);
  const platformObjects = new Set(contract.vaultObjects.platform);
  const objectOwners = ownersOf(Object.entries(contract.vaultObjects.shards));
  tenants.forEach((t, index) => {
    if (!isDns1123Label(t.name)) return;
    if (platformTenants.has(t.name)) {
      out.push({ index, field: "name", message: `tenant "${t.name}" is built by the platform stack "${platform}" itself; this tenant stack "${thisStack}" may not build it too. Fix: remove it here, or move it from the platform's tenants to its vault-eso:shards["${thisStack}"]` });
      return;
    }
    const owner = ownerOf.get(t.name);
    if (owner === undefined) {
      out.push({ index, field: "name", message: `tenant "${t.name}" is not assigned to this tenant stack "${thisStack}" by the platform stack "${platform}". Fix: add it to vault-eso:shards["${thisStack}"] in the platform stack's config and run pulumi up there first` });
      return;
    }
    if (owner !== thisStack) {
      out.push({ index, field: "name", message: `tenant "${t.name}" is owned by the tenant stack "${owner}" (platform "${platform}", vault-eso:shards), not by this stack "${thisStack}". Fix: remove it here, or move it to vault-eso:shards["${thisStack}"] in the platform stack` });
      return;
    }
    if (reserved.has(t.name) || t.name.startsWith("kube-")) {
      out.push({ index, field: "name", message: `is a reserved namespace (system or the platform "${platform}"'s own). Fix: choose a team name` });
    }
    if (t.hasWriters) {
      // The alias names its group by Vault's id (canonical_id), unknown until the group exists, and the group is
      // read, updated and deleted by id: no parameter constraint can pin either, so a tenant-stack token allowed to
      // write them could map its SSO group onto any group in Vault (docs/deployer-policy.md "Tenant stacks").
      out.push({ index, field: "writers", message: `writers are built only by the platform stack "${platform}": the writers' group alias points at its group by Vault's id, which a tenant stack's deploy token cannot be limited to, so that token could attach its SSO group to any identity group. Fix: keep this tenant in the platform stack (vault-eso:tenants / tenantFiles there) to give it writers, or remove writers` });
    }
    if (t.path !== undefined) {
      out.push({ index, field: "path", message: `a tenant stack takes every subtree from the platform's tenancy.pathTemplate, so no tenant stack can name another team's subtree. Fix: remove the path (or keep this tenant in the platform stack "${platform}")` });
    }
    const subtree = subtreeOf(t.name);
    if (subtreesOverlap(subtree, contract.kv.esoScope)) {
      out.push({ index, field: "name", message: `its Vault subtree "${subtree}" overlaps the platform's ESO scope "${contract.kv.esoScope}" (platform "${platform}"). Fix: move kv.scope in the platform stack beside the tenants' paths` });
    }
    for (const key of t.vaultObjects ?? []) {
      const field = t.hasPush && key === vaultObjectKey({ kind: "policy", name: tenantPushPolicyName(t.name) }) ? "push" : "name";
      if (platformObjects.has(key)) {
        out.push({ index, field, message: `${describeVaultObjectKey(key)} of this tenant is also written by the platform stack "${platform}" (tenantContract.vaultObjects): a Vault write is an upsert, so the last pulumi up would take it over. Fix: rename the tenant, or the platform's object` });
        continue;
      }
      const others = (objectOwners.get(key) ?? []).filter((st) => st !== thisStack);
      if (others.length > 0) {
        out.push({ index, field, message: `${describeVaultObjectKey(key)} of this tenant (tenant stack "${thisStack}") may also be written by the tenant stack "${others[0]}" (platform "${platform}", tenantContract.vaultObjects): a Vault write is an upsert, so the last pulumi up would take it over. Fix: rename one of the tenants in the platform's vault-eso:shards` });
        continue;
      }
      if (!(objectOwners.get(key) ?? []).includes(thisStack)) {
        out.push({ index, field, message: `${describeVaultObjectKey(key)} is not among the Vault objects the platform "${platform}" assigns to this stack "${thisStack}" (tenantContract.vaultObjects). Fix: run pulumi up on the platform stack with this version of vault-eso first` });
      }
    }
  });
  return out;
}

/** Problems with the contract itself (an older or newer platform program). */
export function contractProblem(contract: unknown, platform: string): string | undefined {
  if (!contract || typeof contract !== "object") {
    return `the platform stack "${platform}" has no "${TENANT_CONTRACT_OUTPUT}" output. Fix: run pulumi up on the platform stack with this version of vault-eso first (it publishes the output), and check the name`;
  }
  const v = (contract as { version?: unknown }).version;
  if (v === 1) {
    return `the platform stack "${platform}" publishes ${TENANT_CONTRACT_OUTPUT} version 1, and this program reads version ${TENANT_CONTRACT_VERSION}: version 1 does not list the Vault objects (policies, roles, groups) each stack owns, so this stack cannot check that its tenants take none of another stack's. Fix: run pulumi up on the platform stack with this version of vault-eso first (it publishes version ${TENANT_CONTRACT_VERSION}), then on this stack`;
  }
  if (v !== TENANT_CONTRACT_VERSION) {
    return `the platform stack "${platform}" publishes ${TENANT_CONTRACT_OUTPUT} version ${JSON.stringify(v)}, and this program reads version ${TENANT_CONTRACT_VERSION}. Fix: deploy the same vault-eso version in the platform and the tenant stacks`;
  }
  // The CA lands in every tenant store's caBundle or ConfigMap: the same rule as the platform's own CA keys.
  const ca = (contract as { ca?: { kind?: unknown; pem?: unknown } }).ca;
  if (ca && (ca.kind === "bundle" || ca.kind === "configMap")) {
    const bad = typeof ca.pem === "string" ? caBundleProblem(ca.pem) : "is not text. Fix: deploy the same vault-eso version in the platform and the tenant stacks";
    if (bad) return `the CA in the platform stack "${platform}"'s ${TENANT_CONTRACT_OUTPUT} ${bad}`;
  }
  return undefined;
}
