/**
 * Config sections `vault-eso:tenancy` and `vault-eso:tenants`: how tenants
 * are isolated, and the tenants themselves with their ExternalSecrets.
 * Pure: zod schemas and the cross-tenant checks; `config.ts` composes them.
 */
import { z } from "zod";
import { isDns1123Label, secretDataKeyProblem } from "../config/names";
import { checked, dnsLabel, dnsSubdomain } from "../config/schema-helpers";
import { pathTemplateProblem, subtreeProblem } from "../../policies/vault/paths";
import { pushSchema } from "./push-config";
import { EsoRequest, EsoVaultStore, findRequests, pushRequests, remoteRefRequests, subtreeRewriteProblem, tenantKeyProblem } from "./eso-paths";
import { writersSchema } from "./writers-config";

/** Go-style duration, as ESO's `refreshInterval` takes it ("1h", "30m", "1h30m", "0" to disable). */
const GO_DURATION = /^(0|(\d+(ms|s|m|h))+)$/;

/** A key of the Kubernetes Secret ESO writes (kubernetes IsConfigMapKey). */
const secretDataKey = (what: string) =>
  checked((v) => {
    const p = secretDataKeyProblem(v);
    return p ? `${what} ${p}. Fix: e.g. "${v.replace(/[^-._a-zA-Z0-9]+/g, "-").replace(/^\.+/, "").slice(0, 253) || "password"}"` : undefined;
  }).meta({ typeName: "Secret key" });

/**
 * Secret types a tenant may not have ESO write. `kubernetes.io/service-account-token`: the
 * token controller fills such a Secret with a non-expiring token of the service account its
 * annotation names (any account of the namespace, the tenant's Vault identity included).
 */
export const REFUSED_SECRET_TYPES: Readonly<Record<string, string>> = {
  "kubernetes.io/service-account-token": "Kubernetes would fill it with a non-expiring token of the service account its annotation names (e.g. the tenant's Vault identity)",
};

/** A key relative to the tenant's subtree: no way to name another tenant's path. */
const relativeKey = (what: string) =>
  checked((v) => {
    const p = subtreeProblem(v);
    return p ? `${what} ${p}. Fix: give the path relative to the tenant's subtree, e.g. "db/credentials"` : undefined;
  }).meta({ typeName: "relative path" });

const labelValue = (what: string) =>
  checked((v) =>
    v.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)
      ? undefined
      : `${what} must be a valid label value (letters, digits, '-', '_', '.', at most 63). Fix: e.g. "team-a"`,
  ).meta({ typeName: "label value" });

const remoteRef = z
  .strictObject({
    key: relativeKey("remoteRef.key").describe("The Vault secret, relative to the tenant's subtree (no `..`, `*`, `+`, leading `/`)."),
    property: z.string().min(1).optional().describe("One field of that secret; default: the whole secret as JSON."),
    version: z.string().regex(/^\d+$/, { error: "remoteRef.version must be a KV v2 version number. Fix: e.g. \"3\"" }).optional().describe("A KV v2 version number; default: the latest."),
  })
  .describe("Where the value comes from.");

const dataFromEntry = z.union([
  z.strictObject({
    extract: z
      .strictObject({
        key: relativeKey("extract.key").describe("The Vault secret, relative to the tenant's subtree."),
        property: z.string().min(1).optional().describe("A field holding a JSON map to extract instead of the whole secret."),
      })
      .describe("Every field of one Vault secret becomes a key of the Secret."),
  }),
  z.strictObject({
    find: z
      .strictObject({
        path: relativeKey("find.path").optional().meta({ description: "Folder to search, relative to the tenant's subtree.", defaultText: "the whole subtree" }),
        name: z.strictObject({ regexp: z.string().min(1).describe("Regular expression on the secret's name.") }).optional().describe("Select secrets by name."),
        tags: z.record(z.string(), z.string()).optional().describe("Select secrets by custom metadata."),
      })
      .describe("Every Vault secret found under the subtree (by name and/or tags) becomes keys of the Secret."),
  }),
]);

export const externalSecretSchema = z
  .strictObject({
    name: dnsSubdomain("the ExternalSecret name").describe("The ExternalSecret's name, unique in the tenant."),
    targetName: dnsSubdomain("the target Secret name").optional().meta({ description: "Name of the Kubernetes Secret ESO writes.", defaultText: "`name`" }),
    refreshInterval: z
      .string()
      .regex(GO_DURATION, { error: 'refreshInterval must be a Go duration like "1h", "15m" or "0". Fix: e.g. "1h"' })
      .meta({ typeName: "Go duration" })
      .default("1h")
      .describe("How often ESO re-reads Vault (`0`: never)."),
    refreshPolicy: z.enum(["CreatedOnce", "Periodic", "OnChange"]).optional().meta({ description: "ESO's refresh policy.", defaultText: "ESO's (`Periodic`)" }),
    deletionPolicy: z.enum(["Retain", "Delete", "Merge"]).optional().meta({ description: "What ESO does to the Secret when the Vault secret is gone.", defaultText: "ESO's (`Retain`)" }),
    data: z
      .array(z.strictObject({ secretKey: secretDataKey("secretKey").describe("Key in the Kubernetes Secret (letters, digits, `-`, `_`, `.`; Kubernetes IsConfigMapKey)."), remoteRef }))
      .optional()
      .describe("One Secret key per entry. `data` or `dataFrom` (or both) must list something."),
    dataFrom: z.array(dataFromEntry).optional().describe("Whole Vault secrets; each entry has exactly one of `extract` or `find`."),
    template: z
      .strictObject({
        type: checked((v) => {
          if (v === "") return "template.type is empty. Fix: remove it (Opaque) or e.g. \"kubernetes.io/dockerconfigjson\"";
          const why = REFUSED_SECRET_TYPES[v];
          return why ? `template.type "${v}" is refused: ${why}. Fix: remove template.type (Opaque), or use a projected service-account token in the pod instead` : undefined;
        })
          .optional()
          .describe("The Secret's type, e.g. `kubernetes.io/dockerconfigjson`; not `kubernetes.io/service-account-token`."),
        data: z.record(secretDataKey("a template.data key"), z.string()).optional().describe("Secret keys rendered from templates over the fetched values (written in plain text into the ExternalSecret: no secrets here)."),
        metadata: z
          .strictObject({
            labels: z.record(z.string(), z.string()).optional().describe("Labels of the Secret."),
            annotations: z.record(z.string(), z.string()).optional().describe("Annotations of the Secret."),
          })
          .optional()
          .describe("Labels and annotations of the Secret."),
      })
      .optional()
      .describe("ESO's target template."),
  })
  .superRefine((es, ctx) => {
    if (!es.data?.length && !es.dataFrom?.length) {
      ctx.addIssue({ code: "custom", message: "has neither data nor dataFrom. Fix: list the Vault keys to sync under data (or dataFrom)" });
    }
  });

export const tenantSchema = z.strictObject({
  name: dnsLabel("the tenant name").describe(
    "The team: its namespace, Vault role and policy `tenant-<name>`, the `{tenant}` segment of its subtree. Unique; not `default`, `kube-*` or a platform namespace.",
  ),
  path: checked((v) => {
    const p = subtreeProblem(v);
    return p ? `the tenant path ${p}. Fix: e.g. "legacy/apps/team-a"` : undefined;
  })
    .meta({ typeName: "path" })
    .optional()
    .meta({ description: "Own subtree for a legacy layout (`perTenant` policy only). Tenants' subtrees may not overlap.", defaultText: "from `tenancy.pathTemplate`" }),
  owner: labelValue("the owner label").optional().describe("`vault-eso.io/owner` label value (team, cost centre)."),
  developers: z
    .strictObject({
      users: z.array(z.string().min(1)).default([]).describe("User names."),
      groups: z.array(z.string().min(1)).default([]).describe("Group names."),
    })
    .prefault({})
    .describe("Who gets the `namespace-developer` ClusterRole in the tenant's namespace (read Secrets and ESO objects, manage workloads; never write ESO objects)."),
  externalSecrets: z.array(externalSecretSchema).default([]).describe("The tenant's ExternalSecrets; every Vault key is relative to the tenant's subtree."),
  push: pushSchema.optional().describe("Let the tenant write into its own subtree with PushSecrets (`isolated` tenancy only); see docs/operations.md#pushsecret."),
  writers: writersSchema
    .optional()
    .describe("People who write the tenant's secrets: an external Vault identity group mapped to an SSO group (an alias on a named auth mount), with a writer policy on the tenant's subtree only; see docs/writers.md."),
  reloader: z
    .boolean()
    .default(false)
    .describe("Reloader watches this namespace: workloads annotated for it restart when ESO updates their Secrets (needs `reloader.enabled`); see docs/reloader.md."),
  deleteNamespaceOnRemoval: z
    .boolean()
    .default(false)
    .describe(
      "When the tenant is later removed from the config, delete its namespace with everything in it (the team's workloads, volumes, Secrets). Default: the namespace is kept (`retainOnDelete`); Vault access and the program's objects in it go. Pulumi applies the option stored at the last `up`: set it and run `up` before removing the tenant; see docs/operations.md#offboarding.",
    ),
});

export const TENANCY_MODES = ["isolated", "shared"] as const;
/** Pod Security Standards levels, strongest first. */
export const POD_SECURITY_LEVELS = ["restricted", "baseline", "privileged"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];
export const TENANT_POLICY_MODES = ["perTenant", "templated"] as const;

export const tenancySchema = z
  .strictObject({
    mode: z
      .enum(TENANCY_MODES)
      .default("isolated")
      .describe("`isolated`: a SecretStore per tenant that logs in to Vault as the tenant; `shared`: tenants use the ClusterSecretStore (much weaker: one Vault identity for all)."),
    policy: z.enum(TENANT_POLICY_MODES).default("perTenant").describe("`perTenant`: one Vault policy per tenant; `templated`: one identity-templated policy (`vault-eso-tenants`) for all."),
    pathTemplate: checked((v) => {
      const p = pathTemplateProblem(v);
      return p ? `the tenant path template ${p}. Fix: e.g. "{org}/{env}/clusters/{cluster}/apps/{tenant}"` : undefined;
    })
      .default("{org}/{env}/clusters/{cluster}/apps/{tenant}")
      .describe("Where a tenant's secrets live under the KV mount (the multi-tenant tutorial's convention). Placeholders `{org}`, `{env}`, `{cluster}`, `{tenant}`; `{tenant}` exactly once, as a whole segment."),
    org: dnsLabel("tenancy.org").default("org").describe("Value of `{org}`."),
    cluster: dnsLabel("tenancy.cluster").default("cluster").describe("Value of `{cluster}`."),
    serviceAccountName: dnsSubdomain("the tenant service account name").default("vault-secrets").describe("The service account in each tenant namespace that ESO logs in to Vault as."),
    storeName: dnsSubdomain("the tenant SecretStore name").default("vault").describe("Name of each tenant's SecretStore."),
    developerClusterRole: dnsSubdomain("the developer ClusterRole name").default("namespace-developer").describe("The shared developer ClusterRole."),
    podSecurity: z
      .enum(POD_SECURITY_LEVELS)
      .default("restricted")
      .describe("Pod Security level enforced on tenant namespaces (warn and audit stay `restricted`). `baseline`/`privileged` are refused in prod unless `acknowledgeWeakPodSecurity`, warned in dev."),
    acknowledgeWeakPodSecurity: z
      .boolean()
      .default(false)
      .describe("Accept `podSecurity: baseline` or `privileged` in prod: tenant pods may then run privileged or with host access, and read any Secret their node holds."),
  })
  .describe("How tenants are isolated from each other and where their secrets live. See docs/operations.md#tenants.");

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
  /** The KV mount every store reads (`path` of every SecretStore/ClusterSecretStore, KV v2): the keys are judged by the path ESO requests. */
  readonly mount: string;
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
    checkEsoPaths(t, i, c, issue);
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

/**
 * Every key of a tenant judged by the path ESO will request (components/tenants/eso-paths.ts, a model of
 * external-secrets buildPath): a subtree ESO would rewrite is refused once, at the tenant; else each key
 * that starts with the mount or `data/`, or whose request would leave the subtree, at the key.
 */
function checkEsoPaths(t: TenantConfig, i: number, c: TenantCheckContext, issue: (path: (string | number)[], message: string) => void): void {
  const store: EsoVaultStore & { path: string } = { path: c.mount, version: "v2" };
  const subtree = c.subtreeOf(t);
  const rewritten = subtreeRewriteProblem(store, subtree);
  if (rewritten) {
    issue(["tenants", i, t.path !== undefined ? "path" : "name"], rewritten);
    return;
  }
  const judge = (at: (string | number)[], key: string | undefined, requests: (rendered: string) => EsoRequest[], what: string) => {
    if (key === undefined) return;
    const p = tenantKeyProblem(store, subtree, key, requests, what);
    if (p) issue(["tenants", i, ...at], p);
  };
  const read = (k: string) => remoteRefRequests(store, k);
  t.externalSecrets.forEach((es, j) => {
    es.data?.forEach((d, k) => judge(["externalSecrets", j, "data", k, "remoteRef", "key"], d.remoteRef.key, read, "remoteRef.key"));
    es.dataFrom?.forEach((d, k) => {
      if ("extract" in d) judge(["externalSecrets", j, "dataFrom", k, "extract", "key"], d.extract.key, read, "extract.key");
      else judge(["externalSecrets", j, "dataFrom", k, "find", "path"], d.find.path, (k2) => findRequests(store, k2), "find.path");
    });
  });
  t.push?.secrets.forEach((ps, j) => {
    ps.data.forEach((d, k) => judge(["push", "secrets", j, "data", k, "remoteKey"], d.remoteKey, (k2) => pushRequests(store, k2), "remoteKey"));
  });
}

/**
 * What the config says about a tenant namespace's Pod Security level (pure; the guard pack may judge
 * namespace labels with it): an error in prod unless acknowledged, a warning otherwise, nothing for
 * `restricted`. A stack is prod when `vault-eso:environment` is `prod` (the one key that tells).
 */
export function podSecurityFinding(level: PodSecurityLevel, environment: "dev" | "prod", acknowledged: boolean): { readonly severity: "error" | "warning"; readonly message: string } | undefined {
  if (level === "restricted") return undefined;
  const risk = level === "privileged" ? "tenant pods may run privileged, share the host's namespaces and mount host paths: any tenant developer then controls the node and every Secret on it" : "tenant pods may use host ports, extra capabilities and run as root (no seccomp/non-root enforcement)";
  if (environment === "prod" && !acknowledged) {
    return { severity: "error", message: `"${level}" in prod: ${risk}. Fix: use "restricted", or set tenancy.acknowledgeWeakPodSecurity: true to accept it` };
  }
  return { severity: "warning", message: `tenancy.podSecurity is "${level}": ${risk}.` };
}
