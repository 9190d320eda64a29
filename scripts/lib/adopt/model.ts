/**
 * A model of the preview of an adoption, from what the program registers
 * (under mocks) and what the cluster and Vault hold (the dumps). Pure. It
 * says, object by object, what the first `pulumi up` does (import, create,
 * update, in Vault too) and what the second one does to the adopted objects
 * once `adopt.kubernetes.imported` is true, and it lists every problem that
 * would mean downtime or loss:
 *
 * - an existing object registered without `import` (pulumi-kubernetes
 *   `provider/pkg/await/await.go` `Creation` fails with AlreadyExists), with
 *   the wrong import ID (`provider/pkg/provider/util.go` `parseFqName`), or
 *   an import of an object that does not exist (pulumi/pulumi `step.go`
 *   `ImportStep`: "resource '<id>' does not exist");
 * - an import whose inputs could differ from the read (any input not in
 *   `ignoreChanges`: `step.go` `ImportStep.Apply` then fails `up`);
 * - an adopted object without `retainOnDelete` (`step.go` `DeleteStep.Apply`
 *   deletes it on a later removal), or one the in-place update would replace:
 *   pulumi-kubernetes `provider/pkg/provider/diff.go` `forceNewProperties`
 *   (name, namespace; a Secret's `type`, and `data`/`stringData` unless the
 *   provider makes Secrets mutable; RoleBinding/ClusterRoleBinding `roleRef`);
 * - an ExternalSecret whose store is absent at any point, or that is created
 *   without waiting for its store;
 * - a Secret ESO owns that would go: its ExternalSecret deleted or replaced
 *   (the Secret's controller ownerReference names the ExternalSecret, so the
 *   garbage collector deletes it), or renamed on the ExternalSecret (ESO
 *   `pkg/controllers/externalsecret/externalsecret_controller.go`
 *   `deleteOrphanedSecrets` deletes the old target, found by its owner label),
 *   or a new ExternalSecret targeting a Secret another one owns (`applyOwnership`:
 *   ErrSecretIsOwned) or that nobody owns (it would take it over).
 */
import { HELM_RELEASE_TYPE, isClusterScoped, kindOfObject, kindOfType, kubernetesImportId } from "../../../components/vault-backend/adopt-kinds";
import { kubernetesIdentity } from "../../../components/vault-backend/adopt";
import type { KubeObject, VaultDump } from "./dump";

export interface Registration {
  readonly urn?: string;
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly dependencies?: readonly string[];
  readonly options: { readonly importId?: string; readonly retainOnDelete?: boolean; readonly ignoreChanges?: readonly string[] };
}

export type Op = "import" | "create" | "update" | "same" | "replace" | "delete";

export interface PlannedStep {
  readonly object: string;
  readonly op: Op;
  readonly details?: readonly string[];
}

export interface PreviewModel {
  /** The first `up` (adopt.kubernetes.imported: false). */
  readonly first: PlannedStep[];
  /** What the next `up` does to the adopted Kubernetes objects once `imported` is true. */
  readonly second: PlannedStep[];
  readonly problems: string[];
}

const IDENTITY = ["apiVersion", "kind"];
const label = (kind: string, o: { name: string; namespace?: string }) => `${kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;

interface Existing {
  readonly kind: string;
  readonly obj: KubeObject;
}

/** Existing objects by `<kind> <ns>/<name>`, with the ESO Helm release (from its Deployment's annotations) as `HelmRelease`. */
function existingIndex(objects: readonly KubeObject[]): Map<string, Existing> {
  const out = new Map<string, Existing>();
  for (const o of objects) {
    const kind = kindOfObject(o.apiVersion, o.kind);
    if (kind) out.set(label(kind, { name: o.metadata.name, namespace: isClusterScoped(kind) ? undefined : (o.metadata.namespace ?? "default") }), { kind, obj: o });
    const release = o.metadata.annotations?.["meta.helm.sh/release-name"];
    const releaseNs = o.metadata.annotations?.["meta.helm.sh/release-namespace"];
    if (o.kind === "Deployment" && release && releaseNs) {
      out.set(label("HelmRelease", { name: release, namespace: releaseNs }), { kind: "HelmRelease", obj: { apiVersion: "helm.sh/v3", kind: "HelmRelease", metadata: { name: release, namespace: releaseNs } } });
    }
  }
  return out;
}

const json = (v: unknown) => JSON.stringify(v ?? null);

/** What the in-place update after the import changes, field by field (top-level inputs, labels and annotations by key). */
function updateDetails(inputs: Record<string, any>, live: KubeObject, ignored: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const meta = (inputs.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  for (const part of ["labels", "annotations"] as const) {
    const want = meta[part] ?? {};
    const have = live.metadata[part] ?? {};
    const changed = Object.keys(want).filter((k) => have[k] !== want[k]);
    if (changed.length) out.push(`metadata.${part}: ${changed.map((k) => `${k}=${String(want[k])}`).join(", ")}`);
  }
  for (const k of Object.keys(inputs).filter((k) => !["apiVersion", "kind", "metadata"].includes(k) && !ignored.has(k))) {
    if (json(inputs[k]) !== json(live[k])) out.push(k);
  }
  return out;
}

function targetOf(spec: any, name: string): string {
  return spec?.target?.name ?? name;
}

/**
 * The preview of adopting with `regs` (one render of the stack) over `objects` and `vault`. `later`: the same
 * stack rendered as the second up sees it (`imported: true`, or without adoption), whose `ignoreChanges` are
 * the component's own: they decide whether the in-place update would touch a force-new field.
 */
export function modelPreview(regs: readonly Registration[], objects: readonly KubeObject[], vault?: VaultDump, later: readonly Registration[] = []): PreviewModel {
  const laterIgnores = new Map(later.map((r) => [`${r.type}::${r.name}`, new Set(r.options.ignoreChanges ?? [])]));
  const first: PlannedStep[] = [];
  const second: PlannedStep[] = [];
  const problems: string[] = [];
  const existing = existingIndex(objects);
  const managed = new Set<string>();
  const programStores = new Map<string, Registration>();
  const programEs: Array<{ reg: Registration; id: string; adopted: boolean }> = [];

  for (const r of regs) {
    const kind = kindOfType(r.type);
    if (!kind) continue;
    const id = kubernetesIdentity(kind, r.type, r.inputs);
    if (!id) {
      const name = r.type === HELM_RELEASE_TYPE ? r.inputs.name : r.inputs.metadata?.name;
      if ([...existing.values()].some((e) => e.kind === kind && e.obj.metadata.name === name)) {
        problems.push(`${kind} ${String(name)} (${r.name}): its namespace is computed, so adoption cannot match it to the existing object of that name`);
      }
      continue;
    }
    const key = label(kind, id);
    const hit = existing.get(key);
    if (kind === "ClusterSecretStore" || kind === "SecretStore") programStores.set(key, r);
    if (kind === "ExternalSecret") programEs.push({ reg: r, id: key, adopted: !!hit });
    if (!hit) {
      if (r.options.importId) problems.push(`${key}: imported as "${r.options.importId}" but it does not exist: up fails with "resource '${r.options.importId}' does not exist"`);
      first.push({ object: key, op: "create" });
      continue;
    }
    managed.add(key);
    const expected = kubernetesImportId(id);
    if (!r.options.importId) {
      problems.push(`${key} exists but is registered without import: up fails with AlreadyExists (pulumi-kubernetes await.go Creation)`);
      continue;
    }
    if (r.options.importId !== expected) problems.push(`${key}: import ID "${r.options.importId}", but pulumi-kubernetes reads "${expected}"`);
    const ignored = new Set(r.options.ignoreChanges ?? []);
    const compared = Object.keys(r.inputs).filter((k) => !IDENTITY.includes(k) && !ignored.has(k));
    if (compared.length) problems.push(`${key}: the import compares ${compared.join(", ")} with the cluster; any difference fails up ("inputs to import do not match the existing resource")`);
    if (!r.options.retainOnDelete) problems.push(`${key} is adopted without retainOnDelete: removing it from the config would delete it`);
    first.push({ object: key, op: "import" });

    // The second up: in place, unless a force-new field differs.
    const live = hit.obj;
    const lasting = laterIgnores.get(`${r.type}::${r.name}`) ?? new Set<string>();
    const details = kind === "HelmRelease" ? ["chart version and values (helm upgrade of the same release)"] : updateDetails(r.inputs, live, lasting);
    const replaceBy: string[] = [];
    if (kind === "Secret") {
      if ((r.inputs.type ?? "Opaque") !== ((live as any).type ?? "Opaque")) replaceBy.push("type");
      for (const f of ["data", "stringData"]) if (r.inputs[f] !== undefined && !lasting.has(f)) replaceBy.push(`${f} (values are not in the dump; any difference replaces a Secret)`);
    }
    if ((kind === "RoleBinding" || kind === "ClusterRoleBinding") && json(r.inputs.roleRef) !== json((live as any).roleRef)) replaceBy.push("roleRef");
    if (replaceBy.length) problems.push(`${key}: the update after the import would replace it (force-new ${replaceBy.join(", ")}: pulumi-kubernetes diff.go forceNewProperties)`);
    if (kind === "ExternalSecret") {
      const before = targetOf((live as any).spec, id.name);
      const after = targetOf(r.inputs.spec, id.name);
      if (before !== after) problems.push(`${key}: the target Secret changes from ${before} to ${after}; ESO then deletes ${before} (externalsecret_controller.go deleteOrphanedSecrets)`);
      const policy = (live as any).spec?.target?.creationPolicy ?? "Owner";
      if (policy !== (r.inputs.spec?.target?.creationPolicy ?? "Owner")) problems.push(`${key}: target.creationPolicy changes from ${policy}`);
    }
    second.push({ object: key, op: replaceBy.length ? "replace" : details.length ? "update" : "same", ...(details.length ? { details } : {}) });
  }

  // Stores: every ExternalSecret, before and after, refers to one that exists.
  const storeKey = (es: { spec?: any; namespace: string }) => {
    const ref = es.spec?.secretStoreRef ?? {};
    const kind = ref.kind ?? "SecretStore";
    return label(kind, { name: ref.name, namespace: kind === "ClusterSecretStore" ? undefined : es.namespace });
  };
  for (const [key, e] of existing) {
    if (e.kind !== "ExternalSecret") continue;
    const sk = storeKey({ spec: (e.obj as any).spec, namespace: e.obj.metadata.namespace ?? "default" });
    if (!existing.has(sk) && !programStores.has(sk)) problems.push(`${key} refers to ${sk}, which neither exists nor is created`);
  }
  for (const es of programEs) {
    const sk = storeKey({ spec: es.reg.inputs.spec, namespace: es.reg.inputs.metadata.namespace });
    const store = programStores.get(sk);
    if (existing.has(sk)) continue;
    if (!store) {
      problems.push(`${es.id} refers to ${sk}, which neither exists nor is created`);
      continue;
    }
    // A new ExternalSecret must wait for its new store; an adopted one switches to it only in the second up.
    if (!es.adopted && store.urn && !(es.reg.dependencies ?? []).includes(store.urn)) problems.push(`${es.id} is created without waiting for ${sk}, which is created in the same up`);
  }

  // Secrets ESO owns.
  const owned = new Map<string, string>();
  for (const [key, e] of existing) {
    if (e.kind !== "ExternalSecret") continue;
    const spec = (e.obj as any).spec;
    if ((spec?.target?.creationPolicy ?? "Owner") === "Owner") owned.set(`${e.obj.metadata.namespace ?? "default"}/${targetOf(spec, e.obj.metadata.name)}`, key);
  }
  for (const s of objects.filter((o) => o.kind === "Secret")) {
    const owner = s.metadata.ownerReferences?.find((o) => o.controller && o.kind === "ExternalSecret");
    if (owner) owned.set(`${s.metadata.namespace ?? "default"}/${s.metadata.name}`, label("ExternalSecret", { name: owner.name, namespace: s.metadata.namespace ?? "default" }));
  }
  for (const [secret, esKey] of owned) {
    const [ns, name] = secret.split("/");
    if (!existing.has(esKey)) problems.push(`Secret ${secret} is owned by ${esKey}, which is not in the dump: dump ExternalSecrets too`);
    if (regs.some((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata?.name === name && r.inputs.metadata?.namespace === ns)) problems.push(`Secret ${secret} (ESO's, from ${esKey}) is also a Secret the program writes`);
  }
  for (const es of programEs.filter((e) => !e.adopted)) {
    const ns = es.reg.inputs.metadata.namespace;
    const target = `${ns}/${targetOf(es.reg.inputs.spec, es.reg.inputs.metadata.name)}`;
    if (owned.has(target)) problems.push(`${es.id} targets Secret ${target}, which ${owned.get(target)} owns: ESO refuses (externalsecret_controller.go applyOwnership, ErrSecretIsOwned)`);
    else if (objects.some((o) => o.kind === "Secret" && `${o.metadata.namespace}/${o.metadata.name}` === target)) problems.push(`${es.id} targets the existing Secret ${target}: ESO would take it over as its owner, and deleting the ExternalSecret would then delete it`);
  }

  // Vault: what the first up writes there.
  if (vault) {
    for (const r of regs.filter((r) => r.type.startsWith("vault:"))) {
      const i = r.inputs;
      if (r.type === "vault:index/policy:Policy") {
        const have = vault.policies[i.name];
        const same = have !== undefined && have.trim() === String(i.policy ?? "").trim();
        first.push({ object: `Vault policy ${i.name}`, op: r.options.importId ? "import" : have === undefined ? "create" : same ? "same" : "update", ...(have !== undefined && !same && !r.options.importId ? { details: ["overwritten with the program's rules"] } : {}) });
        if (r.options.importId && have !== undefined && !same) second.push({ object: `Vault policy ${i.name}`, op: "update", details: ["overwritten with the program's rules"] });
      } else if (r.type === "vault:kubernetes/authBackendRole:AuthBackendRole") {
        const have = vault.roles[i.backend]?.[i.roleName];
        const details = have ? roleDetails(have, i) : [];
        const object = `Vault role auth/${i.backend}/role/${i.roleName}`;
        if (r.options.importId) {
          first.push({ object, op: "import" });
          if (details.length) second.push({ object, op: "update", details });
        } else first.push({ object, op: have ? (details.length ? "update" : "same") : "create", ...(details.length ? { details } : {}) });
      } else if (r.type === "vault:kubernetes/authBackendConfig:AuthBackendConfig") {
        first.push({ object: `Vault auth/${i.backend}/config`, op: vault.authConfigs[i.backend] ? "update" : "create" });
      } else if (r.type === "vault:index/mount:Mount" || r.type === "vault:index/authBackend:AuthBackend") {
        const exists = r.type === "vault:index/mount:Mount" ? vault.mounts[`${i.path}/`] : vault.auths[`${i.path}/`];
        if (exists && !r.options.importId) problems.push(`Vault ${i.path}/ exists but is created: Vault answers "path is already in use" (adopt.kvMount / adopt.kubernetesAuthMount)`);
        first.push({ object: `Vault ${r.type === "vault:index/mount:Mount" ? "mount" : "auth method"} ${i.path}/`, op: r.options.importId ? "import" : "create" });
      } else {
        first.push({ object: `Vault ${r.type.split(":").pop()} ${r.name}`, op: "create" });
      }
    }
  }
  return { first, second, problems };
}

/** Which role fields the program's write changes (bound names/namespaces, policies, audience). */
function roleDetails(have: Readonly<Record<string, unknown>>, want: Record<string, any>): string[] {
  const norm = (v: unknown) => json(Array.isArray(v) ? [...v].map(String).sort() : typeof v === "string" && v.includes(",") ? v.split(",").sort() : v === undefined ? undefined : [String(v)]);
  const pairs: Array<[string, string]> = [
    ["bound_service_account_names", "boundServiceAccountNames"],
    ["bound_service_account_namespaces", "boundServiceAccountNamespaces"],
    ["token_policies", "tokenPolicies"],
    ["audience", "audience"],
  ];
  const out: string[] = [];
  for (const [vk, pk] of pairs) {
    const before = have[vk] ?? (vk === "token_policies" ? have.policies : undefined);
    if (want[pk] !== undefined && norm(before) !== norm(want[pk])) out.push(`${vk}: ${json(before)} -> ${json(want[pk])}`);
  }
  return out;
}
