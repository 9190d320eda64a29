/**
 * Config sections `vault-eso:tenancy` and `vault-eso:tenants`: how tenants
 * are isolated, and the tenants themselves with their ExternalSecrets.
 * Pure: zod schemas and the cross-tenant checks; `config.ts` composes them.
 */
import { z } from "zod";
import { isDns1123Label } from "./names";
import { checked, dnsLabel, dnsSubdomain } from "./schema-helpers";
import { pathTemplateProblem, subtreeProblem } from "../../policies/vault/paths";
import { pushSchema } from "./push-config";

/** Go-style duration, as ESO's `refreshInterval` takes it ("1h", "30m", "1h30m", "0" to disable). */
const GO_DURATION = /^(0|(\d+(ms|s|m|h))+)$/;

/** A key relative to the tenant's subtree: no way to name another tenant's path. */
const relativeKey = (what: string) =>
  checked((v) => {
    const p = subtreeProblem(v);
    return p ? `${what} ${p}. Fix: give the path relative to the tenant's subtree, e.g. "db/credentials"` : undefined;
  });

const labelValue = (what: string) =>
  checked((v) =>
    v.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)
      ? undefined
      : `${what} must be a valid label value (letters, digits, '-', '_', '.', at most 63). Fix: e.g. "team-a"`,
  );

const remoteRef = z.strictObject({
  key: relativeKey("remoteRef.key"),
  property: z.string().min(1).optional(),
  version: z.string().regex(/^\d+$/, { error: "remoteRef.version must be a KV v2 version number. Fix: e.g. \"3\"" }).optional(),
});

const dataFromEntry = z.union([
  z.strictObject({ extract: z.strictObject({ key: relativeKey("extract.key"), property: z.string().min(1).optional() }) }),
  z.strictObject({
    find: z.strictObject({
      /** Folder to search, relative to the subtree; default: the whole subtree. */
      path: relativeKey("find.path").optional(),
      name: z.strictObject({ regexp: z.string().min(1) }).optional(),
      tags: z.record(z.string(), z.string()).optional(),
    }),
  }),
]);

const externalSecret = z
  .strictObject({
    name: dnsSubdomain("the ExternalSecret name"),
    /** Name of the Kubernetes Secret ESO writes; default: the ExternalSecret's name. */
    targetName: dnsSubdomain("the target Secret name").optional(),
    refreshInterval: z
      .string()
      .regex(GO_DURATION, { error: 'refreshInterval must be a Go duration like "1h", "15m" or "0". Fix: e.g. "1h"' })
      .default("1h"),
    refreshPolicy: z.enum(["CreatedOnce", "Periodic", "OnChange"]).optional(),
    deletionPolicy: z.enum(["Retain", "Delete", "Merge"]).optional(),
    data: z
      .array(z.strictObject({ secretKey: z.string().min(1), remoteRef }))
      .optional(),
    dataFrom: z.array(dataFromEntry).optional(),
    template: z
      .strictObject({
        type: z.string().min(1).optional(),
        data: z.record(z.string(), z.string()).optional(),
        metadata: z
          .strictObject({ labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() })
          .optional(),
      })
      .optional(),
  })
  .superRefine((es, ctx) => {
    if (!es.data?.length && !es.dataFrom?.length) {
      ctx.addIssue({ code: "custom", message: "has neither data nor dataFrom. Fix: list the Vault keys to sync under data (or dataFrom)" });
    }
  });

export const tenantSchema = z.strictObject({
  /** The tenant's name: its namespace, its Vault role and policy suffix, its `{tenant}` path segment. */
  name: dnsLabel("the tenant name"),
  /** Override the path template for this tenant (legacy layouts); not allowed with the templated policy. */
  path: checked((v) => {
    const p = subtreeProblem(v);
    return p ? `the tenant path ${p}. Fix: e.g. "legacy/apps/team-a"` : undefined;
  }).optional(),
  /** Owner label value (team, cost centre). */
  owner: labelValue("the owner label").optional(),
  /** Who gets the `namespace-developer` role in the tenant's namespace. */
  developers: z
    .strictObject({
      users: z.array(z.string().min(1)).default([]),
      groups: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  externalSecrets: z.array(externalSecret).default([]),
  /** Grant PushSecret (write to the tenant's own subtree) and declare its PushSecrets. Default: none. */
  push: pushSchema.optional(),
});

export const TENANCY_MODES = ["isolated", "shared"] as const;
export const TENANT_POLICY_MODES = ["perTenant", "templated"] as const;

export const tenancySchema = z.strictObject({
  /** isolated: a SecretStore per tenant that logs in as the tenant; shared: tenants use the ClusterSecretStore (weaker). */
  mode: z.enum(TENANCY_MODES).default("isolated"),
  /** perTenant: one Vault policy per tenant; templated: one identity-templated policy for all. */
  policy: z.enum(TENANT_POLICY_MODES).default("perTenant"),
  /** Where a tenant's secrets live under the KV mount (seed 002's convention). */
  pathTemplate: checked((v) => {
    const p = pathTemplateProblem(v);
    return p ? `the tenant path template ${p}. Fix: e.g. "{org}/{env}/clusters/{cluster}/apps/{tenant}"` : undefined;
  }).default("{org}/{env}/clusters/{cluster}/apps/{tenant}"),
  org: dnsLabel("tenancy.org").default("org"),
  cluster: dnsLabel("tenancy.cluster").default("cluster"),
  /** Service account in each tenant namespace that ESO logs in to Vault as. */
  serviceAccountName: dnsSubdomain("the tenant service account name").default("vault-secrets"),
  /** Name of each tenant's SecretStore. */
  storeName: dnsSubdomain("the tenant SecretStore name").default("vault"),
  /** The shared developer ClusterRole. */
  developerClusterRole: dnsSubdomain("the developer ClusterRole name").default("namespace-developer"),
  /** Pod Security Admission level enforced on tenant namespaces. */
  podSecurity: z.enum(["restricted", "baseline", "privileged"]).default("restricted"),
});

export type TenantConfig = z.infer<typeof tenantSchema>;
export type TenancyConfig = z.infer<typeof tenancySchema>;
export type ExternalSecretConfig = TenantConfig["externalSecrets"][number];

/** Namespaces no tenant may take (plus the platform's own, added by the caller). */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public", "kube-node-lease"];

export interface TenantCheckContext {
  /** The platform's own namespaces (ESO, reviewer, credentials). */
  readonly platformNamespaces: readonly string[];
  /** A tenant's subtree: its `path`, or the path template rendered for it. */
  readonly subtreeOf: (tenant: TenantConfig) => string;
  readonly policyMode: (typeof TENANT_POLICY_MODES)[number];
  /** The cluster-wide ESO identity's read scope. */
  readonly esoScope: string;
  readonly mode: (typeof TENANCY_MODES)[number];
  /** How a message names tenant `i` (`tenants[3]`, or its file). Default `tenants[i]`. */
  readonly label?: (i: number) => string;
}

/** Cross-tenant rules; each issue names the tenant's index so the key points at it. */
export function checkTenants(tenants: readonly TenantConfig[], c: TenantCheckContext, issue: (path: (string | number)[], message: string) => void): void {
  const seen = new Map<string, number>();
  const label = c.label ?? ((i: number) => `tenants[${i}]`);
  const reserved = new Set([...RESERVED_NAMESPACES, ...c.platformNamespaces]);
  tenants.forEach((t, i) => {
    if (!isDns1123Label(t.name)) return; // reported by the field check
    const first = seen.get(t.name);
    if (first !== undefined) {
      issue(["tenants", i, "name"], `duplicates ${label(first)}: tenant names are namespaces and must be unique. Fix: rename or merge one of them`);
    }
    seen.set(t.name, i);
    if (reserved.has(t.name) || t.name.startsWith("kube-")) {
      issue(["tenants", i, "name"], `is a reserved namespace (system or platform). Fix: choose a team name, e.g. "team-${t.name.replace(/^kube-/, "")}"`);
    }
    if (t.path !== undefined && c.policyMode === "templated") {
      issue(["tenants", i, "path"], 'a per-tenant path cannot be expressed by the templated policy (it derives every path from tenancy.pathTemplate). Fix: remove the path, or set tenancy.policy to "perTenant"');
    }
    const esNames = new Set<string>();
    t.externalSecrets.forEach((es, j) => {
      if (esNames.has(es.name)) issue(["tenants", i, "externalSecrets", j, "name"], "duplicates another ExternalSecret of this tenant. Fix: rename it");
      esNames.add(es.name);
    });
  });

  // Subtrees must be disjoint, segment-wise; sorting puts a prefix right before what it contains.
  const subtrees = tenants
    .map((t, i) => ({ i, name: t.name, path: c.subtreeOf(t) }))
    .filter((s) => isDns1123Label(s.name))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let k = 1; k < subtrees.length; k++) {
    const a = subtrees[k - 1];
    const b = subtrees[k];
    if (b.path === a.path || b.path.startsWith(`${a.path}/`)) {
      issue(["tenants", b.i, "name"], `its Vault subtree "${b.path}" overlaps tenant "${a.name}" ("${a.path}"). Fix: give each tenant its own subtree (tenancy.pathTemplate, or the tenants' path)`);
    }
  }
  if (c.mode === "isolated") {
    for (const s of subtrees) {
      if (s.path === c.esoScope || s.path.startsWith(`${c.esoScope}/`) || c.esoScope.startsWith(`${s.path}/`)) {
        issue(["kv", "scope"], `the cluster-wide ESO scope "${c.esoScope}" overlaps tenant "${s.name}" ("${s.path}"), so the ClusterSecretStore could read that tenant's secrets. Fix: move kv.scope beside the tenants' paths, not above them (e.g. "<org>/<env>/shared")`);
        break;
      }
    }
  }
}
