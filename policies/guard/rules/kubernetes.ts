/**
 * Kubernetes and ESO rules: API versions, store conditions and transport,
 * chart pinning, Pod Security "restricted", where Vault tokens may live.
 */
import { DEFAULT_CREDENTIALS_NAMESPACE, VAULT_CREDENTIAL_LABEL, VAULT_TOKEN_CREDENTIAL } from "../../../components/token-renewer/credentials";
import { Finding, GuardResource, isUnknown, ResourceRule, Undecided } from "../rule";

/** `kubernetes:<group>/<version>:<Kind>` -> parts; undefined for other providers. */
export function k8sType(type: string): { group: string; version: string; kind: string } | undefined {
  const m = /^kubernetes:(?:([^/:]+)\/)?([^/:]+):(.+)$/.exec(type);
  if (!m) return undefined;
  return { group: m[1] === "core" ? "" : (m[1] ?? ""), version: m[2], kind: m[3] };
}

/** The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOf(urn: string): string {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? "";
}

const ESO_GROUP = "external-secrets.io";
/** The versions ESO 2.x serves, per kind. */
export const ESO_SERVED: Readonly<Record<string, string>> = {
  ExternalSecret: "v1",
  SecretStore: "v1",
  ClusterSecretStore: "v1",
  ClusterExternalSecret: "v1",
  PushSecret: "v1alpha1",
  ClusterPushSecret: "v1alpha1",
};

export const esoApiVersions: ResourceRule = {
  name: "eso-api-versions",
  description:
    "ESO objects must use the API versions ESO 2.x serves: external-secrets.io/v1 (PushSecret and ClusterPushSecret: v1alpha1). v1beta1 has not been served since ESO 0.17, so such an object fails to apply. Fix: change apiVersion to the served version.",
  enforcementLevel: "mandatory",
  check(r) {
    const t = k8sType(r.type);
    if (!t || t.group !== ESO_GROUP) return [];
    const served = ESO_SERVED[t.kind];
    if (!served) return [`${t.kind} is not an ESO kind this project knows; check it against ESO's API reference`];
    return t.version === served ? [] : [`${t.kind} uses ${ESO_GROUP}/${t.version}; ESO 2.x serves ${ESO_GROUP}/${served}`];
  },
};

/** Whether one `spec.conditions[]` entry selects something (an empty entry selects nothing useful). */
function conditionSelects(c: any): boolean | "unknown" {
  if (isUnknown(c) || isUnknown(c?.namespaces) || isUnknown(c?.namespaceSelector) || isUnknown(c?.namespaceRegexes)) return "unknown";
  const list = (v: unknown) => Array.isArray(v) && v.length > 0;
  const selector = c?.namespaceSelector;
  const bySelector = selector && (Object.keys(selector.matchLabels ?? {}).length > 0 || list(selector.matchExpressions));
  return list(c?.namespaces) || list(c?.namespaceRegexes) || Boolean(bySelector);
}

export const clusterStoreConditions: ResourceRule<{ allowUnconditioned: string[] }> = {
  name: "cluster-store-conditions",
  description:
    "A ClusterSecretStore without spec.conditions serves every namespace, so anyone who can create an ExternalSecret anywhere can read what its Vault identity reads. " +
    "Fix: add conditions (namespaces, a namespaceSelector with labels, or anchored namespaceRegexes), or list the store's name in this rule's allowUnconditioned config.",
  enforcementLevel: "mandatory",
  config: {
    schema: { allowUnconditioned: { type: "array", items: { type: "string" } } },
    defaults: { allowUnconditioned: [] },
  },
  check(r, c) {
    const t = k8sType(r.type);
    if (!t || t.group !== ESO_GROUP || t.kind !== "ClusterSecretStore") return [];
    const name = r.props.metadata?.name;
    if (typeof name === "string" && c.allowUnconditioned.includes(name)) return [];
    const conditions = dig(r.props, "spec", "conditions");
    if (isUnknown(conditions)) return [new Undecided("spec.conditions is not known until apply")];
    const verdicts = Array.isArray(conditions) ? conditions.map(conditionSelects) : [];
    if (verdicts.includes("unknown")) return [new Undecided("a condition is not known until apply")];
    if (verdicts.length > 0 && verdicts.every((v) => v === true)) return [];
    if (verdicts.length > 0) return [`ClusterSecretStore "${name}" has a condition that selects no namespace`];
    return [`ClusterSecretStore "${name}" has no conditions (it serves every namespace) and is not in allowUnconditioned`];
  },
};

export const storeServerHttps: ResourceRule<{ httpAllowedStacks: string[] }> = {
  name: "store-server-https",
  description:
    "A SecretStore or ClusterSecretStore must reach Vault over https (tokens and secrets cross that connection), except in the stacks listed in httpAllowedStacks (default: `dev`; the stack is read from the resource's URN, i.e. the `pulumi stack` name). " +
    "Fix: use an https:// server and give the store Vault's CA (caBundle or caProvider); or add the stack to httpAllowedStacks.",
  enforcementLevel: "mandatory",
  config: {
    schema: { httpAllowedStacks: { type: "array", items: { type: "string" } } },
    defaults: { httpAllowedStacks: ["dev"] },
  },
  check(r, c) {
    const t = k8sType(r.type);
    if (!t || t.group !== ESO_GROUP || (t.kind !== "SecretStore" && t.kind !== "ClusterSecretStore")) return [];
    const server = dig(r.props, "spec", "provider", "vault", "server");
    if (isUnknown(server)) return [new Undecided("spec.provider.vault.server is not known until apply")];
    if (typeof server !== "string" || server.startsWith("https://")) return [];
    const stack = stackOf(r.urn);
    return c.httpAllowedStacks.includes(stack) ? [] : [`${t.kind} "${r.props.metadata?.name}" reaches Vault at ${server} (not https) in stack "${stack}"`];
  },
};

const EXACT_SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export const esoChartPinned: ResourceRule<{ charts: string[] }> = {
  name: "eso-chart-pinned",
  description:
    "The ESO and Reloader Helm charts (any chart named in `charts`) must be pinned to an exact version: an unpinned or ranged version upgrades ESO and its CRDs (or Reloader, which restarts workloads) behind a reviewer's back on the next `pulumi up`. Fix: set version to an exact release, e.g. \"2.9.0\" (ESO_CHART in components/eso/eso.ts, RELOADER_CHART in components/reloader/reloader.ts).",
  enforcementLevel: "mandatory",
  config: { schema: { charts: { type: "array", items: { type: "string" } } }, defaults: { charts: ["external-secrets", "reloader"] } },
  check(r, c) {
    if (r.type !== "kubernetes:helm.sh/v3:Release" && r.type !== "kubernetes:helm.sh/v4:Chart") return [];
    if (isUnknown(r.props.chart) || isUnknown(r.props.version)) return [new Undecided("chart or version is not known until apply")];
    const chart = String(r.props.chart ?? "");
    if (!c.charts.some((name) => chart === name || chart.endsWith(`/${name}`))) return [];
    const version = r.props.version;
    return typeof version === "string" && EXACT_SEMVER.test(version) ? [] : [`chart ${chart} is not pinned to an exact version (version: ${JSON.stringify(version)})`];
  },
};

/** `obj.k1.k2...`, or `UNKNOWN` when a value on the way is unknown. */
export function dig(obj: unknown, ...keys: string[]): any {
  let v: any = obj;
  for (const k of keys) {
    if (isUnknown(v)) return v;
    v = v?.[k];
  }
  return v;
}

/** The pod spec of a workload resource (`UNKNOWN` if not known yet), or undefined if `r` runs no pods. */
export function podSpecOf(r: GuardResource): Record<string, any> | undefined {
  const t = k8sType(r.type);
  if (!t) return undefined;
  switch (t.kind) {
    case "Pod":
      return t.group === "" ? dig(r.props, "spec") : undefined;
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return dig(r.props, "spec", "template", "spec");
    case "CronJob":
      return dig(r.props, "spec", "jobTemplate", "spec", "template", "spec");
    default:
      return undefined;
  }
}

/** SELinux types the Pod Security Standards allow. */
const SELINUX_TYPES = new Set(["container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
/** Sysctls the Pod Security Standards (baseline) allow. */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

/**
 * Findings against the Pod Security Standards "restricted" profile
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/) in a
 * pod `spec`: host namespaces, volume types, privileged, privilege escalation,
 * non-root, seccomp, capabilities, host ports. Container settings override
 * the pod's, as the kubelet applies them.
 */
export function restrictedViolations(spec: Record<string, any>): Finding[] {
  const out: Finding[] = [];
  // Judging needs the values: an unknown one is undecided, not a pass and not a violation.
  const known = (v: unknown, what: string): boolean => {
    if (!isUnknown(v)) return true;
    out.push(new Undecided(`${what} is not known until apply`));
    return false;
  };
  const podSc = spec.securityContext ?? {};
  if (!known(podSc, "securityContext")) return out;
  for (const k of ["hostNetwork", "hostPID", "hostIPC"]) if (known(spec[k], k) && spec[k]) out.push(`sets ${k}: true (host namespaces are not allowed)`);
  if (known(spec.volumes, "volumes")) {
    for (const v of spec.volumes ?? []) {
      const kind = Object.keys(v ?? {}).find((k) => k !== "name");
      if (kind && !RESTRICTED_VOLUME_TYPES.has(kind)) out.push(`volume "${v.name}" is of type ${kind}, not allowed by "restricted"`);
    }
  }
  if (known(podSc.runAsUser, "securityContext.runAsUser") && podSc.runAsUser === 0) out.push("pod securityContext sets runAsUser 0 (root)");
  if (podSc.seccompProfile?.type === "Unconfined") out.push("pod securityContext sets seccompProfile Unconfined");
  // Baseline items (restricted includes baseline): AppArmor, SELinux, sysctls.
  const weakSelinux = (o: any) => o && (o.user || o.role || (o.type && !SELINUX_TYPES.has(o.type)));
  if (podSc.appArmorProfile?.type === "Unconfined") out.push("pod securityContext sets appArmorProfile Unconfined");
  if (weakSelinux(podSc.seLinuxOptions)) out.push("pod securityContext sets seLinuxOptions beyond the allowed container types");
  for (const sysctl of Array.isArray(podSc.sysctls) ? podSc.sysctls : []) if (!SAFE_SYSCTLS.has(sysctl?.name)) out.push(`pod securityContext sets unsafe sysctl ${sysctl?.name}`);
  for (const key of ["initContainers", "containers", "ephemeralContainers"]) {
    const list = spec[key];
    if (!known(list, key)) continue;
    for (const c of list ?? []) {
      const who = `container "${c?.name}"`;
      const sc = c?.securityContext ?? {};
      if (!known(sc, `${who} securityContext`)) continue;
      const values = [sc.privileged, sc.allowPrivilegeEscalation, sc.runAsNonRoot, sc.runAsUser, sc.seccompProfile, sc.capabilities, podSc.runAsNonRoot, podSc.seccompProfile];
      if (values.some(isUnknown)) {
        out.push(new Undecided(`${who}: a securityContext field is not known until apply`));
        continue;
      }
      if (sc.privileged) out.push(`${who} is privileged`);
      if (sc.allowPrivilegeEscalation !== false) out.push(`${who} must set allowPrivilegeEscalation: false`);
      if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) out.push(`${who} must run with runAsNonRoot: true`);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push(`${who} runs as user 0 (root)`);
      const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${who} must set seccompProfile.type RuntimeDefault (or Localhost), on the pod or the container`);
      const drop: unknown[] = sc.capabilities?.drop ?? [];
      if (!drop.includes("ALL")) out.push(`${who} must drop ALL capabilities`);
      for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") out.push(`${who} adds capability ${cap} (only NET_BIND_SERVICE may be added)`);
      for (const port of c?.ports ?? []) if (port?.hostPort) out.push(`${who} uses hostPort ${port.hostPort}`);
      if (sc.appArmorProfile?.type === "Unconfined") out.push(`${who} sets appArmorProfile Unconfined`);
      if (weakSelinux(sc.seLinuxOptions)) out.push(`${who} sets seLinuxOptions beyond the allowed container types`);
      if (sc.procMount !== undefined && sc.procMount !== "Default") out.push(`${who} sets procMount ${sc.procMount}`);
      if (sc.windowsOptions?.hostProcess === true) out.push(`${who} is a Windows HostProcess container`);
    }
  }
  return out;
}

/** Settings in a securityContext that break "restricted" when a chart's values set them (unset ones keep the chart's defaults). */
function weakeningSettings(sc: any, where: string): string[] {
  if (!sc || typeof sc !== "object" || isUnknown(sc)) return [];
  const out: string[] = [];
  if (sc.privileged === true) out.push(`${where}.privileged: true`);
  if (sc.allowPrivilegeEscalation === true) out.push(`${where}.allowPrivilegeEscalation: true`);
  if (sc.runAsNonRoot === false) out.push(`${where}.runAsNonRoot: false`);
  if (sc.runAsUser === 0) out.push(`${where}.runAsUser: 0`);
  if (sc.seccompProfile?.type === "Unconfined") out.push(`${where}.seccompProfile.type: Unconfined`);
  for (const cap of Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : []) if (cap !== "NET_BIND_SERVICE") out.push(`${where}.capabilities.add: ${cap}`);
  if (Array.isArray(sc.capabilities?.drop) && !sc.capabilities.drop.includes("ALL")) out.push(`${where}.capabilities.drop without ALL`);
  return out;
}

/**
 * Chart values that would weaken the pods a Helm release renders (their pod
 * specs are not visible here): `securityContext`, `podSecurityContext`,
 * `containerSecurityContext` and `hostNetwork`, at the top level and up to two
 * levels down (ESO's `webhook`, `certController`; Reloader's
 * `reloader.deployment`), the conventions most charts follow.
 */
export function weakenedChartValues(values: unknown): string[] {
  if (!values || typeof values !== "object" || isUnknown(values)) return [];
  const out: string[] = [];
  const scopes: Array<[string, any]> = [];
  const visit = (where: string, o: any, depth: number) => {
    scopes.push([where, o]);
    if (depth === 0) return;
    for (const [k, v] of Object.entries(o)) if (k !== "securityContext" && v && typeof v === "object" && !Array.isArray(v) && !isUnknown(v)) visit(`${where}.${k}`, v, depth - 1);
  };
  visit("values", values, 2);
  for (const [where, o] of scopes) {
    for (const key of SECURITY_CONTEXT_KEYS) out.push(...weakeningSettings(o[key], `${where}.${key}`));
    if (o.hostNetwork === true) out.push(`${where}.hostNetwork: true`);
  }
  return out;
}

/** Where charts take securityContexts: ESO's `securityContext`/`podSecurityContext`, Reloader's `deployment.securityContext`/`containerSecurityContext`. */
const SECURITY_CONTEXT_KEYS = ["securityContext", "podSecurityContext", "containerSecurityContext"] as const;

export const podSecurityRestricted: ResourceRule = {
  name: "pod-security-restricted",
  description:
    'Every pod this program runs (Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs) must meet the Pod Security Standards "restricted" profile: runAsNonRoot, allowPrivilegeEscalation false, capabilities drop ALL (only NET_BIND_SERVICE may be added), seccompProfile RuntimeDefault or Localhost, no privileged containers, host namespaces, hostPath volumes or host ports. ' +
    "A namespace's Pod Security Admission label would reject such a pod at apply time; this rule rejects it at preview. Helm releases render their pods out of sight, so their values may not weaken securityContext, podSecurityContext, containerSecurityContext or hostNetwork (top level and two levels down). " +
    "Fix: set the pod's and each container's securityContext accordingly; leave a chart's hardened securityContext defaults alone.",
  enforcementLevel: "mandatory",
  check(r) {
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      return weakenedChartValues(r.props.values).map((v) => `Helm release ${r.props.name ?? r.name}: ${v} breaks "restricted" in the pods it renders`);
    }
    const spec = podSpecOf(r);
    if (isUnknown(spec)) return [new Undecided("the pod template is not known until apply")];
    const name = r.props.metadata?.name ?? r.name;
    return spec ? restrictedViolations(spec).map((v) => (typeof v === "string" ? `${name}: ${v}` : v)) : [];
  },
};

/** Re-exported for the lead and the TokenRenewer: how a Secret holding a Vault token is marked. */
export { VAULT_CREDENTIAL_LABEL, VAULT_TOKEN_CREDENTIAL };

/** Vault token formats: `hvs.`/`hvb.`/`hvr.` (1.10+) and the legacy `s.`/`b.`/`r.` (24 characters after the prefix). */
const TOKEN = /^(hv[sbr]\.[A-Za-z0-9_-]{20,}|[sbr]\.[A-Za-z0-9]{24})$/;

/** Whether a Secret value (`stringData` as is, `data` base64) looks like a Vault token. */
export function looksLikeVaultToken(v: unknown, base64: boolean): boolean {
  if (typeof v !== "string") return false;
  const text = (base64 ? Buffer.from(v, "base64").toString("utf8") : v).trim();
  return TOKEN.test(text);
}

export const vaultTokensInCredentialsNamespace: ResourceRule<{ credentialsNamespace: string }> = {
  name: "vault-tokens-in-credentials-namespace",
  description:
    `A Secret holding a Vault token may only live in the credentials namespace (default ${DEFAULT_CREDENTIALS_NAMESPACE}), where nobody but ESO and the renewer reads Secrets; in a workload namespace every developer with Secret read could take it. ` +
    `A Secret is recognised by the label ${VAULT_CREDENTIAL_LABEL}=${VAULT_TOKEN_CREDENTIAL} (set it on every Secret you write a Vault token into) or by a value that looks like a Vault token (hvs./hvb./hvr., legacy s./b./r.). ` +
    "Fix: create the Secret in the credentials namespace and point the store's tokenSecretRef there.",
  enforcementLevel: "mandatory",
  config: { schema: { credentialsNamespace: { type: "string" } }, defaults: { credentialsNamespace: DEFAULT_CREDENTIALS_NAMESPACE } },
  check(r, c) {
    const t = k8sType(r.type);
    if (!t || t.group !== "" || t.kind !== "Secret") return [];
    const labels = r.props.metadata?.labels;
    const label = isUnknown(labels) ? labels : labels?.[VAULT_CREDENTIAL_LABEL];
    const values = (v: unknown) => (v && typeof v === "object" && !isUnknown(v) ? Object.values(v) : []);
    const labelled = label === VAULT_TOKEN_CREDENTIAL;
    const visibleToken = values(r.props.stringData).some((v) => looksLikeVaultToken(v, false)) || values(r.props.data).some((v) => looksLikeVaultToken(v, true));
    const ns = r.props.metadata?.namespace;
    if (!labelled && !visibleToken) {
      // Only an unknown label could hide a token Secret; unknown values of an unlabelled Secret are ordinary (e.g. a generated token).
      return isUnknown(label) && ns !== c.credentialsNamespace ? [new Undecided("metadata.labels is not known until apply")] : [];
    }
    if (isUnknown(ns)) return [new Undecided("metadata.namespace is not known until apply")];
    const why = labelled ? `labelled ${VAULT_CREDENTIAL_LABEL}=${VAULT_TOKEN_CREDENTIAL}` : "holds a value that looks like a Vault token";
    return ns === c.credentialsNamespace ? [] : [`Secret "${r.props.metadata?.name}" ${why} but lives in namespace "${ns ?? "default"}", not "${c.credentialsNamespace}"`];
  },
};

export const KUBERNETES_RULES = [esoApiVersions, clusterStoreConditions, storeServerHttps, esoChartPinned, podSecurityRestricted, vaultTokensInCredentialsNamespace] as const;
