/**
 * `npm run adopt`, the pure part: from a Kubernetes dump and a Vault dump,
 * the stack config that reproduces what exists, what it leaves alone (with a
 * reason) and what it refuses. Rendering the result and listing the objects
 * to import is `adopt-objects.ts`; the CLI is scripts/adopt.ts.
 *
 * What is reproduced (docs/migrating.md): the ClusterSecretStore (name, Vault
 * URL, CA, KV mount, auth: Kubernetes role or token Secret, conditions), the KV
 * mount and the Kubernetes auth method (adopted with their descriptions), the
 * auth config (host, CA, where Vault runs, token review mode), ESO's Helm
 * release (namespace, service account, version checked), and each namespace
 * whose ExternalSecrets use that store as a tenant (shared tenancy, its own
 * subtree, its ExternalSecrets with keys made relative, its developers).
 */
import { ESO_CHART } from "../../../components/eso/eso";
import { RESERVED_NAMESPACES } from "../../../components/tenants/tenancy-config";
import type { KubeObject, VaultDump } from "./dump";
import { crdStoragePlan, findEso, upgradePath } from "./versions";

export interface AdoptOptions {
  /** The Kubernetes API URL as Vault reaches it, when Vault has no Kubernetes auth config to read it from. */
  readonly kubernetesHost?: string;
  /** The API server's CA (PEM), likewise. */
  readonly kubernetesCaPem?: string;
  /** The program's defaults the result depends on (so a test can vary them). */
  readonly developerClusterRole?: string;
}

/** Something that exists and that the stack will not manage. */
export interface LeftAlone {
  readonly object: string;
  readonly reason: string;
  /** It keeps working after the adoption only if this is false. */
  readonly breaks: boolean;
}

export interface AdoptPlan {
  /** The `config:` map of the stack file (full keys, e.g. `vault-eso:kv`). */
  readonly config: Record<string, unknown>;
  readonly leftAlone: LeftAlone[];
  /** Reasons the adoption cannot go ahead at all. */
  readonly refusals: string[];
  /** Things to do by hand, in order (ESO upgrade path, CRD storage versions). */
  readonly steps: string[];
  readonly notes: string[];
  readonly eso?: { readonly chartVersion?: string; readonly path?: readonly string[] };
}

type VaultStoreSpec = {
  server?: string;
  path?: string;
  version?: string;
  caBundle?: string;
  namespace?: string;
  auth?: {
    kubernetes?: { mountPath?: string; role?: string; serviceAccountRef?: { name?: string } };
    tokenSecretRef?: { name?: string; key?: string; namespace?: string };
  };
};
type StoreObj = KubeObject & { spec?: { provider?: { vault?: VaultStoreSpec }; conditions?: Array<{ namespaces?: string[]; namespaceSelector?: { matchLabels?: Record<string, string> } }> } };
type EsSpec = {
  refreshInterval?: string;
  refreshPolicy?: string;
  secretStoreRef?: { name?: string; kind?: string };
  target?: { name?: string; creationPolicy?: string; deletionPolicy?: string; [k: string]: unknown };
  data?: Array<{ secretKey: string; remoteRef: { key: string; property?: string; version?: string; [k: string]: unknown } }>;
  dataFrom?: Array<{ extract?: { key: string; property?: string; [k: string]: unknown }; [k: string]: unknown }>;
  [k: string]: unknown;
};

const ESO_KINDS = ["ExternalSecret", "SecretStore", "ClusterSecretStore", "PushSecret"];
const ref = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
const stripSlash = (p: string) => p.replace(/\/+$/, "");

/** A key as ESO resolves it below the store's mount (FACTS: ESO `client_get.go` `buildPath` drops a leading `<path>/` and then `data/`). */
export function storeRelativeKey(key: string, mount: string): string {
  let k = key.replace(/^\/+/, "");
  if (k.startsWith(`${mount}/`)) k = k.slice(mount.length + 1);
  if (k.startsWith("data/")) k = k.slice(5);
  return k;
}

/** The longest directory (whole segments, not the last one of any key) all keys share, or "" when there is none. */
export function commonDirectory(keys: readonly string[]): string {
  if (keys.length === 0) return "";
  const dirs = keys.map((k) => k.split("/").slice(0, -1));
  const first = dirs[0];
  let n = 0;
  while (n < first.length && dirs.every((d) => d[n] === first[n])) n++;
  return first.slice(0, n).join("/");
}

export function planAdoption(objects: readonly KubeObject[], vault: VaultDump, options: AdoptOptions = {}): AdoptPlan {
  const refusals: string[] = [];
  const leftAlone: LeftAlone[] = [];
  const steps: string[] = [];
  const notes: string[] = [];
  const developerClusterRole = options.developerClusterRole ?? "namespace-developer";

  // ---------------------------------------------------------------- ESO
  const installs = findEso(objects);
  let esoNamespace = "external-secrets";
  let esoInfo: AdoptPlan["eso"];
  if (installs.length > 1) refusals.push(`ESO runs more than once (${installs.map((i) => i.namespace).join(", ")}): the program manages one installation. Fix: uninstall the others first`);
  const eso = installs[0];
  if (eso) {
    esoNamespace = eso.release?.namespace ?? eso.namespace;
    if (!eso.release) {
      refusals.push(`ESO in namespace ${eso.namespace} was not installed with Helm (no meta.helm.sh/release-name on its Deployment): Helm refuses to install over objects it does not own (helm/helm pkg/action/validate.go existingResourceConflict), and the program installs ESO as the Helm release "${ESO_CHART.name}". Fix: reinstall ESO with helm install ${ESO_CHART.name} external-secrets/external-secrets -n ${eso.namespace}, then dump again`);
    } else if (eso.release.name !== ESO_CHART.name) {
      refusals.push(`ESO is the Helm release "${eso.release.name}" in ${eso.release.namespace}; the program's release is "${ESO_CHART.name}", and Helm refuses to take over the CRDs and objects annotated meta.helm.sh/release-name: ${eso.release.name} (helm/helm pkg/action/validate.go checkOwnership). Fix: helm uninstall ${eso.release.name} -n ${eso.release.namespace} --keep-history is not enough (CRDs go with it); rename by reinstalling as "${ESO_CHART.name}" in a maintenance window, then dump again`);
    }
    if (eso.flux) {
      const [fns, fname] = eso.flux.split("/");
      notes.push(`ESO's release is reconciled by the Flux HelmRelease ${eso.flux}: suspend it and take it out of Git before the first up (flux suspend helmrelease ${fname} -n ${fns}), or Flux and Pulumi will both own the release`);
    }
    const version = eso.chartVersion ?? eso.appVersion;
    if (!version) {
      refusals.push(`cannot tell which ESO version runs (no helm.sh/chart or app.kubernetes.io/version label on the Deployment in ${eso.namespace}). Fix: dump the Deployment with its labels (kubectl get deployments -n ${eso.namespace} -o yaml)`);
    } else {
      const path = upgradePath(version);
      esoInfo = { chartVersion: version, path };
      if (path === undefined) refusals.push(`ESO ${version} is not a version this program knows how to upgrade from to ${ESO_CHART.version}. Fix: check the chart version (helm list -n ${esoNamespace})`);
      else if (path.length > 1) {
        refusals.push(`ESO ${version} is ${path.length} minor versions behind the pinned ${ESO_CHART.version}; ESO supports upgrading one minor at a time (external-secrets docs/introduction/stability-support.md). Fix: upgrade with Helm step by step, then dump again: ${path.slice(0, -1).map((v) => `helm upgrade ${ESO_CHART.name} external-secrets/external-secrets -n ${esoNamespace} --version ${v} --reuse-values`).join(" && ")}; the first pulumi up then takes it to ${ESO_CHART.version}`);
      } else if (path.length === 1) notes.push(`ESO ${version} -> ${ESO_CHART.version}: one minor, done by the second pulumi up (a helm upgrade of the adopted release)`);
    }
  } else if (objects.some((o) => o.kind === "CustomResourceDefinition" && o.metadata.name.endsWith(".external-secrets.io"))) {
    refusals.push("ESO's CRDs exist but no ESO Deployment is in the dump: Helm refuses to install CRDs another owner holds (helm/helm pkg/action/validate.go). Fix: dump the Deployments too (kubectl get deployments -A -o yaml)");
  }
  const crd = crdStoragePlan(objects);
  refusals.push(...crd.refusals);
  steps.push(...crd.steps);
  if (objects.some((o) => ESO_KINDS.includes(o.kind) && o.apiVersion === "external-secrets.io/v1beta1")) {
    notes.push("external-secrets.io/v1beta1 objects are adopted as v1 (ESO 2.9.0 serves only v1: config/crds/bases); the fields the program writes are the same in both");
  }

  // ---------------------------------------------------------------- the store
  const stores = objects.filter((o): o is StoreObj => o.kind === "ClusterSecretStore" && !!(o as StoreObj).spec?.provider?.vault);
  const externalSecrets = objects.filter((o) => o.kind === "ExternalSecret");
  const uses = (s: KubeObject) => externalSecrets.filter((e) => (e.spec as EsSpec | undefined)?.secretStoreRef?.kind === "ClusterSecretStore" && (e.spec as EsSpec).secretStoreRef?.name === s.metadata.name).length;
  const store = [...stores].sort((a, b) => uses(b) - uses(a) || Number(b.metadata.name === "vault-backend") - Number(a.metadata.name === "vault-backend"))[0];
  for (const s of objects.filter((o) => ["ClusterSecretStore", "SecretStore"].includes(o.kind) && o !== store)) {
    leftAlone.push({ object: ref(s), reason: "the stack manages one ClusterSecretStore (and its own per-tenant stores); this one stays as it is", breaks: false });
  }
  if (!store) {
    refusals.push("no ClusterSecretStore with a Vault provider in the dump: nothing tells where Vault is. Fix: dump clustersecretstores too (kubectl get clustersecretstores -o yaml)");
    return { config: {}, leftAlone, refusals, steps, notes, eso: esoInfo };
  }
  const v = store.spec!.provider!.vault!;
  if (!v.server) refusals.push(`${ref(store)} has no spec.provider.vault.server`);
  if ((v.version ?? "v2") !== "v2") refusals.push(`${ref(store)} reads a KV v1 mount (version: ${v.version}); the program manages KV v2. Fix: vault kv enable-versioning ${v.path ?? "secret"}/, set version: v2, then dump again`);
  const kvPath = stripSlash(v.path ?? "");
  if (!kvPath) refusals.push(`${ref(store)} has no spec.provider.vault.path: the program's stores name their KV mount. Fix: set path to the KV v2 mount (e.g. secret)`);
  if (v.namespace) notes.push(`the store uses Vault namespace ${v.namespace}: set as vault.namespace`);

  const mount = vault.mounts[`${kvPath}/`];
  if (mount && !(mount.type === "kv" && mount.options?.version === "2") && mount.type !== "kv-v2") {
    refusals.push(`Vault's ${kvPath}/ is a ${mount.type} mount${mount.type === "kv" ? " of version 1" : ""}, not KV v2: importing it would not match the program's mount (docs/adopting.md). Fix: vault kv enable-versioning ${kvPath}/, then dump again`);
  }

  // ---------------------------------------------------------------- Kubernetes auth
  const k8sAuth = v.auth?.kubernetes;
  const tokenRef = v.auth?.tokenSecretRef;
  if (!k8sAuth && !tokenRef) refusals.push(`${ref(store)} logs in neither with Kubernetes auth nor with a token Secret; the program supports those two`);
  const authPath = stripSlash(k8sAuth?.mountPath ?? "kubernetes");
  const authMount = vault.auths[`${authPath}/`];
  const authConfig = vault.authConfigs[authPath];
  if (authMount && authMount.type !== "kubernetes") refusals.push(`Vault's auth/${authPath}/ is a ${authMount.type} auth method, not kubernetes. Fix: choose another path in the store, or disable it`);
  if (k8sAuth && !authMount) refusals.push(`${ref(store)} logs in at auth/${authPath}, which is not in auth.json. Fix: dump vault auth list -format=json again`);
  const host = typeof authConfig?.kubernetes_host === "string" ? authConfig.kubernetes_host : options.kubernetesHost;
  const caPem = typeof authConfig?.kubernetes_ca_cert === "string" && authConfig.kubernetes_ca_cert.trim() ? authConfig.kubernetes_ca_cert : options.kubernetesCaPem;
  if (!host) refusals.push(`Vault has no Kubernetes auth config at auth/${authPath}/config to read the API server's URL from. Fix: pass --kubernetes-host <URL Vault reaches the API server at> (and --kubernetes-ca <PEM file> if Vault runs outside the cluster)`);
  const inCluster = !!host && /^https:\/\/kubernetes\.default(\.svc(\.cluster\.local)?)?(:\d+)?\/?$/.test(host);
  if (host && !inCluster && !caPem) refusals.push(`Vault reaches the API server at ${host} from outside the cluster and no CA is known. Fix: pass --kubernetes-ca <PEM file> (kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d)`);
  const reviewerJwt = authConfig?.token_reviewer_jwt_set === true;
  if (reviewerJwt) notes.push(`auth/${authPath}/config has a token reviewer JWT: the program keeps that mode (tokenReview: reviewerServiceAccount) with its own reviewer service account, and points the config at its token`);

  // ---------------------------------------------------------------- tenants
  const platformNs = new Set([esoNamespace, ...(tokenRef?.namespace ? [tokenRef.namespace] : [])]);
  const tenants: Record<string, unknown>[] = [];
  const outsideKeys: Array<{ es: KubeObject; keys: string[] }> = [];
  const byNs = new Map<string, KubeObject[]>();
  for (const es of externalSecrets) {
    const ns = es.metadata.namespace ?? "default";
    byNs.set(ns, [...(byNs.get(ns) ?? []), es]);
  }
  for (const [ns, list] of [...byNs].sort(([a], [b]) => a.localeCompare(b))) {
    const usable: Array<{ es: KubeObject; spec: EsSpec; keys: string[] }> = [];
    for (const es of list) {
      const spec = (es.spec ?? {}) as EsSpec;
      const why = unsupported(spec, store.metadata.name);
      if (why) {
        leftAlone.push({ object: ref(es), reason: why, breaks: spec.secretStoreRef?.name === store.metadata.name && spec.secretStoreRef?.kind === "ClusterSecretStore" });
        continue;
      }
      usable.push({ es, spec, keys: esKeys(spec).map((k) => storeRelativeKey(k, kvPath)) });
    }
    if (usable.length === 0) continue;
    const reserved = RESERVED_NAMESPACES.includes(ns) || ns.startsWith("kube-") || platformNs.has(ns);
    const subtree = commonDirectory(usable.flatMap((u) => u.keys));
    if (reserved || !subtree) {
      for (const u of usable) outsideKeys.push({ es: u.es, keys: u.keys });
      continue;
    }
    const developers = { users: [] as string[], groups: [] as string[] };
    for (const rb of objects.filter((o) => o.kind === "RoleBinding" && o.metadata.namespace === ns)) {
      const r = rb as KubeObject & { roleRef?: { kind?: string; name?: string }; subjects?: Array<{ kind: string; name: string }> };
      if (r.roleRef?.kind !== "ClusterRole" || r.roleRef.name !== developerClusterRole) continue;
      for (const s of r.subjects ?? []) {
        if (s.kind === "User") developers.users.push(s.name);
        else if (s.kind === "Group") developers.groups.push(s.name);
      }
      if (rb.metadata.name !== "developers") {
        leftAlone.push({ object: ref(rb), reason: `the tenant's own RoleBinding is "developers" (same ClusterRole, same subjects); this one stays beside it, granting the same`, breaks: false });
      }
    }
    tenants.push({
      name: ns,
      path: subtree,
      ...(developers.users.length || developers.groups.length ? { developers } : {}),
      externalSecrets: usable.map((u) => externalSecretConfig(u.es, u.spec, subtree, kvPath)),
    });
  }

  // PushSecrets are not turned into tenants' `push` config: they stay, and on the adopted store they lose its write access.
  for (const ps of objects.filter((o) => o.kind === "PushSecret")) {
    const refs = ((ps.spec as { secretStoreRefs?: Array<{ name?: string; kind?: string }> } | undefined)?.secretStoreRefs ?? []);
    const onStore = refs.some((r) => (r.kind ?? "SecretStore") === "ClusterSecretStore" && r.name === store.metadata.name);
    leftAlone.push({
      object: ref(ps),
      reason: onStore
        ? `npm run adopt does not turn PushSecrets into a tenant's push config yet; it stays, but after the second up the store ${store.metadata.name} logs in with the program's read-only ESO identity, so it stops writing to Vault. Fix: give the tenant a push config (docs/operations.md#pushsecret) and delete this one after the up`
        : "npm run adopt does not turn PushSecrets into a tenant's push config yet; it stays as it is with its store",
      breaks: onStore,
    });
  }

  // ExternalSecrets on the store outside any tenant keep working only if the ESO identity still reads their keys.
  let scope: string | undefined;
  if (outsideKeys.length > 0) {
    const dir = commonDirectory(outsideKeys.flatMap((o) => o.keys));
    const overlaps = tenants.some((t) => `${t.path}/`.startsWith(`${dir}/`) || `${dir}/`.startsWith(`${t.path}/`));
    if (dir && !overlaps) {
      scope = dir;
      for (const o of outsideKeys) leftAlone.push({ object: ref(o.es), reason: `not in a tenant namespace; it keeps the store ${store.metadata.name}, whose identity reads ${kvPath}/${dir}/ (kv.scope)`, breaks: false });
    } else {
      for (const o of outsideKeys) {
        const ns = o.es.metadata.namespace ?? "default";
        leftAlone.push({
          object: ref(o.es),
          reason: `its namespace ${ns} cannot be a tenant${RESERVED_NAMESPACES.includes(ns) || platformNs.has(ns) ? " (reserved)" : ""} and its keys (${[...new Set(o.keys)].join(", ")}) share no subtree the cluster-wide ESO identity could be limited to (kv.scope): after the up, the store's identity reads only the program's scope, so this ExternalSecret stops refreshing (its Secret stays: ESO keeps the target when reading fails). Fix: move it into a team namespace with its keys under one subtree, then adopt again`,
          breaks: true,
        });
      }
    }
  }

  // ---------------------------------------------------------------- token auth
  let tokenAuth: Record<string, unknown> | undefined;
  if (tokenRef) {
    const ns = tokenRef.namespace;
    if (!ns || ns === esoNamespace) {
      notes.push(`the store's token Secret ${ns ?? "(no namespace)"}/${tokenRef.name} is not in a namespace of its own: the program creates its token Secret in external-secrets-credentials and the store switches to it in place; the old Secret is left as it is`);
      tokenAuth = { enabled: true };
    } else {
      tokenAuth = { enabled: true, namespace: ns, ...(tokenRef.name ? { secretName: tokenRef.name } : {}), ...(tokenRef.key && tokenRef.key !== "token" ? { secretKey: tokenRef.key } : {}) };
      notes.push(`the token in ${ns}/${tokenRef.name} stays: the program imports the Secret and never writes its data (the renewer CronJob renews it); the program's renewer rotates it only with a token it minted itself`);
    }
  }

  // ---------------------------------------------------------------- the config
  const conditions = store.spec?.conditions ?? [];
  const namespaces = conditions.flatMap((c) => c.namespaces ?? []);
  const selector = conditions.find((c) => c.namespaceSelector?.matchLabels)?.namespaceSelector?.matchLabels;
  const caBundle = v.caBundle ? Buffer.from(v.caBundle, "base64").toString("utf8") : undefined;
  const config: Record<string, unknown> = {
    "vault-eso:environment": "dev",
    "vault-eso:vault": { address: v.server, serverForEso: v.server, ...(caBundle ? { caCert: caBundle } : {}), ...(v.namespace ? { namespace: v.namespace } : {}) },
    "vault-eso:kv": { path: kvPath, ...(scope ? { scope } : {}), ...(mount ? { description: mount.description ?? "" } : {}) },
    "vault-eso:kubernetesAuth": {
      path: authPath,
      ...(authMount ? { description: authMount.description ?? "" } : {}),
      ...(host ? { host } : {}),
      vaultRunsIn: inCluster ? "cluster" : "external",
      ...(caPem && !inCluster ? { caCert: caPem } : {}),
      tokenReview: reviewerJwt ? "reviewerServiceAccount" : "clientJwt",
      ...(typeof authConfig?.disable_iss_validation === "boolean" ? { disableIssValidation: authConfig.disable_iss_validation } : {}),
      ...(typeof authConfig?.issuer === "string" && authConfig.issuer ? { issuer: authConfig.issuer } : {}),
    },
    "vault-eso:eso": { namespace: esoNamespace, ...(eso?.serviceAccountName ? { serviceAccountName: eso.serviceAccountName } : {}), ...(k8sAuth?.role ? { role: k8sAuth.role } : {}) },
    "vault-eso:store": {
      name: store.metadata.name,
      ...(namespaces.length ? { namespaces } : {}),
      ...(selector ? { namespaceSelector: selector } : {}),
      ...(!namespaces.length && !selector ? { allowAllNamespaces: true } : {}),
    },
    "vault-eso:tenancy": { mode: "shared", policy: "perTenant" },
    "vault-eso:tenants": tenants,
    ...(tokenAuth ? { "vault-eso:tokenAuth": tokenAuth } : {}),
    "vault-eso:adopt": { kvMount: !!mount, kubernetesAuthMount: !!authMount, kubernetes: { imported: false, objects: [] } },
  };
  if (!namespaces.length && !selector) notes.push(`${ref(store)} has no conditions (every namespace may use it): kept so (store.allowAllNamespaces: true); narrow it with store.namespaces once every user is a tenant`);
  return { config, leftAlone, refusals, steps, notes, eso: esoInfo };
}

/** Why an ExternalSecret cannot be reproduced from config, if it cannot. */
function unsupported(spec: EsSpec, storeName: string): string | undefined {
  const sref = spec.secretStoreRef;
  if (sref?.kind !== "ClusterSecretStore" || sref.name !== storeName) {
    return `it uses ${sref?.kind ?? "SecretStore"} ${sref?.name ?? "(none)"}, not the ClusterSecretStore ${storeName} the stack adopts; it stays as it is with its store`;
  }
  const creation = spec.target?.creationPolicy ?? "Owner";
  if (creation !== "Owner") return `target.creationPolicy ${creation}: the program's ExternalSecrets own their Secret (Owner), and switching an existing Secret to Owner changes who may delete it (ESO externalsecret_controller.go applyOwnership)`;
  const extraSpec = Object.keys(spec).filter((k) => !["refreshInterval", "refreshPolicy", "secretStoreRef", "target", "data", "dataFrom"].includes(k));
  const extraTarget = Object.keys(spec.target ?? {}).filter((k) => !["name", "creationPolicy", "deletionPolicy"].includes(k));
  const extraData = (spec.data ?? []).flatMap((d) => Object.keys(d.remoteRef).filter((k) => !["key", "property", "version"].includes(k)));
  const extraFrom = (spec.dataFrom ?? []).flatMap((d) => (d.extract ? Object.keys(d.extract).filter((k) => !["key", "property"].includes(k)) : Object.keys(d)));
  const extra = [...extraSpec.map((k) => `spec.${k}`), ...extraTarget.map((k) => `target.${k}`), ...extraData.map((k) => `remoteRef.${k}`), ...extraFrom.map((k) => `dataFrom.${k}`)];
  if (extra.length) return `it uses ${[...new Set(extra)].join(", ")}, which the stack's ExternalSecret config does not reproduce yet; it stays as it is`;
  if (!spec.data?.length && !spec.dataFrom?.length) return "it reads nothing (no data, no dataFrom)";
  return undefined;
}

function esKeys(spec: EsSpec): string[] {
  return [...(spec.data ?? []).map((d) => d.remoteRef.key), ...(spec.dataFrom ?? []).flatMap((d) => (d.extract ? [d.extract.key] : []))];
}

function externalSecretConfig(es: KubeObject, spec: EsSpec, subtree: string, kvPath: string): Record<string, unknown> {
  const rel = (k: string) => storeRelativeKey(k, kvPath).slice(subtree.length + 1);
  const target = spec.target?.name;
  return {
    name: es.metadata.name,
    ...(target && target !== es.metadata.name ? { targetName: target } : {}),
    // ESO's default refresh interval is 1h; the config requires one.
    refreshInterval: spec.refreshInterval ?? "1h",
    ...(spec.refreshPolicy ? { refreshPolicy: spec.refreshPolicy } : {}),
    ...(spec.target?.deletionPolicy && spec.target.deletionPolicy !== "Retain" ? { deletionPolicy: spec.target.deletionPolicy } : {}),
    ...(spec.data?.length
      ? { data: spec.data.map((d) => ({ secretKey: d.secretKey, remoteRef: { key: rel(d.remoteRef.key), ...(d.remoteRef.property ? { property: d.remoteRef.property } : {}), ...(d.remoteRef.version ? { version: d.remoteRef.version } : {}) } })) }
      : {}),
    ...(spec.dataFrom?.length ? { dataFrom: spec.dataFrom.map((d) => ({ extract: { key: rel(d.extract!.key), ...(d.extract!.property ? { property: d.extract!.property } : {}) } })) } : {}),
  };
}
