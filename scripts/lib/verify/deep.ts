/**
 * `npm run verify -- <stack> --deep`: live checks of what a refreshed preview cannot see (the drift
 * job runs them after its preview; docs/operations.md, "What verify and drift can and cannot see").
 * They need a Vault token that may read these paths (VAULT_TOKEN; the drift job's). Pure judges
 * first, then the calls.
 *
 * - `token_reviewer_jwt`: terraform-provider-vault resource_kubernetes_auth_backend_config.go
 *   `kubernetesAuthBackendConfigRead` never reads it back (Vault does not return it), so refresh keeps
 *   whatever state holds; Vault only says whether one is set (vault-plugin-auth-kubernetes
 *   path_config.go `pathConfigRead`: `token_reviewer_jwt_set`). Checked: set exactly when the stack's
 *   token review mode uses a reviewer JWT. Not checkable: *which* JWT (rotate it to be sure).
 * - audit devices (hashicorp/vault vault/logical_system.go `handleAuditTable`: `sys/audit` maps
 *   `<path>/` to `{type, description, options, local, path}`): the provider does not read `local`
 *   back, and a device the stack does not declare is outside state. Checked: every device is the
 *   stack's, with its `local`.
 * - the `default` policy (every tenant token carries it; outside state): each rule must be one of
 *   Vault's shipped default (policies/vault/acl.ts VAULT_DEFAULT_POLICY) or narrower.
 * - roles of the Kubernetes auth mount (outside state unless the stack's): no role but the stack's
 *   may bind a tenant's or ESO's namespace; the stack's bind exactly their own service account.
 * - ESO's Helm release: pulumi-kubernetes refreshes the release record only, so an in-cluster edit
 *   of the chart's Deployments or RBAC is invisible. Checked through `metadata.managedFields`
 *   (kubernetes apimachinery ManagedFieldsEntry: manager, operation, subresource, time): any write
 *   to the object (not its status) by a manager other than Helm's or the controllers'.
 */
import type { PlatformConfig } from "../../../components/config/config";
import { ESO_CHART } from "../../../components/eso/eso";
import { VAULT_DEFAULT_POLICY } from "../../../policies/vault/acl";
import { parsePolicy } from "../../../policies/vault/hcl";
import type { KubeClient } from "./kube";
import type { StackOutputs } from "./run";
import type { VaultClient } from "./vault";

/** Rules of the live `default` policy that Vault's shipped one does not grant (same path, capabilities a subset). */
export function defaultPolicyProblems(liveText: string): string[] {
  const live = parsePolicy("default", liveText);
  const out: string[] = [];
  for (const r of live.rules) {
    const shipped = VAULT_DEFAULT_POLICY.rules.find((s) => s.path === r.path);
    const extra = r.capabilities.filter((c) => c !== "deny" && !(shipped?.capabilities as readonly string[] | undefined)?.includes(c)).sort();
    if (extra.length > 0) out.push(`the default policy (on every tenant token) grants [${extra.join(", ")}] on ${r.path}, which Vault's shipped default does not`);
  }
  return out;
}

/** `token_reviewer_jwt_set` as the stack's review mode needs it. */
export function reviewerProblems(config: PlatformConfig, liveConfig: Record<string, unknown> | undefined, mount: string): string[] {
  if (!liveConfig) return [`auth/${mount}/config does not exist`];
  const want = config.kubernetesAuth.tokenReview !== "clientJwt";
  const got = liveConfig.token_reviewer_jwt_set;
  if (got === undefined) return [`auth/${mount}/config does not say whether a token_reviewer_jwt is set (Vault older than the plugin's token_reviewer_jwt_set): not checkable`];
  if (got !== want) {
    return [
      want
        ? `auth/${mount}/config has no token_reviewer_jwt, but the stack reviews with the reviewer service account: Vault now reviews with each client's JWT (or its own pod token)`
        : `auth/${mount}/config has a token_reviewer_jwt, but the stack reviews with each client's own JWT (clientJwt): someone set a reviewer token by hand`,
    ];
  }
  return [];
}

/** Vault's glob for bound names/namespaces (vault-plugin-auth-kubernetes: `*` or a trailing `*` prefix). */
const globMatches = (pattern: string, v: string) => pattern === "*" || pattern === v || (pattern.endsWith("*") && v.startsWith(pattern.slice(0, -1)));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? v.split(",") : []);

/** The stack's roles bind exactly their own service account; no other role binds a namespace the stack owns. */
export function roleProblems(config: PlatformConfig, outputs: StackOutputs, roles: Readonly<Record<string, Record<string, unknown>>>): string[] {
  const own = new Map<string, { namespace: string; serviceAccount: string }>();
  if (!config.tokenAuth.enabled) own.set(outputs.esoRole ?? config.eso.role, { namespace: config.eso.namespace, serviceAccount: config.eso.serviceAccountName });
  for (const t of Object.values(outputs.tenants)) own.set(t.role, { namespace: t.namespace, serviceAccount: config.tenancy.serviceAccountName });
  const guarded = [...new Set([...own.values()].map((o) => o.namespace))];
  const out: string[] = [];
  for (const [role, data] of Object.entries(roles)) {
    const names = list(data.bound_service_account_names);
    const namespaces = list(data.bound_service_account_namespaces);
    const mine = own.get(role);
    if (mine) {
      if (names.join(",") !== mine.serviceAccount || namespaces.join(",") !== mine.namespace) {
        out.push(`role ${role} binds names [${names.join(", ")}] in [${namespaces.join(", ")}], the stack binds ${mine.namespace}/${mine.serviceAccount} only`);
      }
      continue;
    }
    const reached = guarded.filter((ns) => namespaces.some((p) => globMatches(p, ns)));
    if (reached.length > 0) out.push(`role ${role} is not the stack's but binds service accounts [${names.join(", ")}] in ${reached.join(", ")}: whoever runs a pod there logs in with its policies [${list(data.token_policies).join(", ")}]`);
  }
  return out;
}

export interface AuditEntry {
  readonly type?: unknown;
  readonly local?: unknown;
  readonly path?: unknown;
}

/** Every live audit device is one the stack declares, with its `local` flag; every declared one exists. */
export function auditProblems(config: PlatformConfig, live: Readonly<Record<string, AuditEntry>>): string[] {
  const declared = config.audit.devices;
  if (!declared || declared.length === 0) return [];
  const want = new Map(declared.map((d) => [`${d.path ?? d.type}/`, d]));
  const out: string[] = [];
  for (const [path, e] of Object.entries(live)) {
    const d = want.get(path);
    if (!d) {
      out.push(`audit device ${path} (${String(e.type)}) is not the stack's: every request is also logged there`);
      continue;
    }
    if (e.type !== d.type) out.push(`audit device ${path} is of type ${String(e.type)}, the stack's is ${d.type}`);
    if ((e.local === true) !== d.local) out.push(`audit device ${path} has local=${String(e.local === true)}, the stack says ${d.local} (the provider does not read it back)`);
  }
  for (const path of want.keys()) if (!(path in live)) out.push(`audit device ${path} is missing`);
  return out;
}

export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly subresource?: string;
  readonly time?: string;
}

/**
 * Field managers that may write ESO's chart objects: Helm (as the pulumi-kubernetes provider runs it, or
 * the helm CLI) and the controllers that maintain them (the Deployment controller writes its revision
 * annotation). Anything else writing the object itself is an in-cluster edit (kubectl edit, apply, patch).
 */
export const RELEASE_MANAGERS: readonly string[] = ["helm", "pulumi-resource-kubernetes", "kube-controller-manager"];

/** In-cluster edits of `obj` (one of ESO's chart objects): writes to the object (not `status`) by a manager not in `allowed`. */
export function editedInCluster(kind: string, obj: { metadata?: { name?: string; namespace?: string; managedFields?: readonly ManagedFieldsEntry[] } }, allowed: readonly string[] = RELEASE_MANAGERS): string[] {
  const where = `${kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata?.name ?? "?"}`;
  return (obj.metadata?.managedFields ?? [])
    .filter((f) => !f.subresource && !allowed.includes(f.manager ?? ""))
    .map((f) => `${where} was changed in the cluster by ${f.manager ?? "(unknown manager)"} (${f.operation ?? "?"} at ${f.time ?? "?"}); the Helm release's refresh does not see this (\`pulumi up\` does not undo it either: reinstall the chart revision, or put the change in the chart values)`);
}

/** API paths of ESO's chart objects verify reads: Deployments and RBAC of the release. */
export function releaseObjectPaths(config: PlatformConfig): Array<{ kind: string; path: string }> {
  const sel = `?labelSelector=${encodeURIComponent(`app.kubernetes.io/instance=${ESO_CHART.name}`)}`;
  const ns = encodeURIComponent(config.eso.namespace);
  return [
    { kind: "Deployment", path: `/apis/apps/v1/namespaces/${ns}/deployments${sel}` },
    { kind: "ServiceAccount", path: `/api/v1/namespaces/${ns}/serviceaccounts${sel}` },
    { kind: "Role", path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles${sel}` },
    { kind: "RoleBinding", path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings${sel}` },
    { kind: "ClusterRole", path: `/apis/rbac.authorization.k8s.io/v1/clusterroles${sel}` },
    { kind: "ClusterRoleBinding", path: `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings${sel}` },
  ];
}

export interface DeepOptions {
  readonly config: PlatformConfig;
  readonly outputs: StackOutputs;
  readonly kube: KubeClient;
  readonly vault: VaultClient;
  /** A Vault token that may read sys/policy/default, sys/audit (sudo), auth/<mount>/config and list/read auth/<mount>/role. */
  readonly token: string;
}

/** Runs every deep check; each failure (or a read it may not make) is reported, none stops the others. */
export async function deepChecks(o: DeepOptions, ok: (s: string) => void, fail: (s: string) => void): Promise<void> {
  const mount = o.outputs.kubernetesAuthPath;
  const step = async (what: string, run: () => Promise<string[]>) => {
    try {
      const problems = await run();
      for (const p of problems) fail(`deep: ${p}`);
      if (problems.length === 0) ok(`deep: ${what}`);
    } catch (e) {
      fail(`deep: ${what}: ${(e as Error).message}`);
    }
  };
  await step("the default policy grants nothing beyond Vault's shipped default", async () => {
    const d = await o.vault.read(o.token, "sys/policy/default");
    const text = (d?.rules ?? d?.policy) as unknown;
    return typeof text === "string" ? defaultPolicyProblems(text) : ["sys/policy/default has no rules"];
  });
  await step(`auth/${mount}/config reviews tokens as the stack says (token_reviewer_jwt set only with a reviewer service account)`, async () => reviewerProblems(o.config, await o.vault.read(o.token, `auth/${mount}/config`), mount));
  await step(`the roles of auth/${mount} bind only the stack's service accounts in the stack's namespaces`, async () => {
    const roles: Record<string, Record<string, unknown>> = {};
    for (const name of await o.vault.list(o.token, `auth/${mount}/role/`)) roles[name] = (await o.vault.read(o.token, `auth/${mount}/role/${encodeURIComponent(name)}`)) ?? {};
    return roleProblems(o.config, o.outputs, roles);
  });
  if (o.config.audit.devices?.length) {
    await step("the audit devices are exactly the stack's, with their local flags", async () => auditProblems(o.config, ((await o.vault.read(o.token, "sys/audit")) ?? {}) as Record<string, AuditEntry>));
  }
  await step(`ESO's chart objects (${ESO_CHART.name} in ${o.config.eso.namespace}) were not edited in the cluster`, async () => {
    const out: string[] = [];
    for (const { kind, path } of releaseObjectPaths(o.config)) {
      const listed = await o.kube.get(path);
      for (const item of (listed?.items ?? []) as Array<Parameters<typeof editedInCluster>[1]>) out.push(...editedInCluster(kind, item));
    }
    return out;
  });
}
