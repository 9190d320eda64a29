/**
 * What each store's live spec must say, from the stack's config and outputs, and where the live
 * object says something else. Pure.
 *
 * A store's `Ready`/`Valid` only says ESO could log in with *some* spec: a ClusterSecretStore edited
 * to point at another Vault, another KV mount, another auth mount or role (or to trust another CA)
 * is just as Ready. So verify compares the fields that decide where secrets come from and who ESO
 * logs in as (external-secrets apis/externalsecrets/v1 secretstore_vault_types.go `VaultProvider`:
 * server, path, version, namespace, caBundle, caProvider, auth.kubernetes {mountPath, role,
 * serviceAccountRef}, auth.tokenSecretRef) and the ClusterSecretStore's `conditions` (who may use it),
 * built as the program builds them (components/eso/eso.ts vaultProviderSpec, components/extras.ts
 * trustPlan, components/platform.ts storeConditions).
 *
 * A store's status has no `observedGeneration` (secretstore_types.go `SecretStoreStatus`: conditions
 * and capabilities only): a Ready condition cannot be tied to the spec it was computed from. ESO
 * re-validates stores on every spec change and periodically, so a Ready store may for a while
 * describe an older spec; this comparison of the spec itself, and verify's own logins, do not
 * depend on that.
 */
import type { PlatformConfig } from "../../../components/config/config";
import { CA_KEY, storeConditions, trustPlan } from "../../../components/stores/store-plan";

/** Dotted path under `spec` -> the value it must have (`undefined`: must be absent). */
export type ExpectedFields = Readonly<Record<string, unknown>>;

export interface StoreTarget {
  readonly kind: "ClusterSecretStore" | "SecretStore";
  /** The role the store must log in with (from the stack's outputs). */
  readonly role?: string;
  /** The Kubernetes auth mount (from the stack's outputs). */
  readonly authPath: string;
}

/** The fields `target`'s live spec must carry. */
export function expectedStoreFields(config: PlatformConfig, target: StoreTarget): ExpectedFields {
  const p = "provider.vault";
  const f: Record<string, unknown> = {
    [`${p}.server`]: config.vault.serverForEso,
    [`${p}.path`]: config.kv.path,
    [`${p}.version`]: "v2",
    [`${p}.namespace`]: config.vault.namespace,
  };
  const cluster = target.kind === "ClusterSecretStore";
  const plan = trustPlan(config);
  const caBundle = plan.mode === "caBundle" ? Buffer.from(plan.pem, "utf8").toString("base64") : undefined;
  f[`${p}.caBundle`] = caBundle;
  if (plan.mode === "configMap" || (plan.mode === "certManager" && !cluster)) {
    f[`${p}.caProvider.type`] = "ConfigMap";
    f[`${p}.caProvider.name`] = plan.configMapName;
    f[`${p}.caProvider.key`] = CA_KEY;
    f[`${p}.caProvider.namespace`] = cluster ? config.eso.namespace : undefined;
  } else if (plan.mode === "certManager") {
    // The cert-manager CA Secret's name is known only after `up`; its kind and namespace are not.
    f[`${p}.caProvider.type`] = "Secret";
  } else {
    f[`${p}.caProvider`] = undefined;
  }
  if (cluster && config.tokenAuth.enabled) {
    const t = config.tokenAuth;
    f[`${p}.auth.kubernetes`] = undefined;
    f[`${p}.auth.tokenSecretRef.name`] = t.secretName;
    f[`${p}.auth.tokenSecretRef.key`] = t.secretKey;
    f[`${p}.auth.tokenSecretRef.namespace`] = t.namespace;
  } else {
    const k = `${p}.auth.kubernetes`;
    f[`${p}.auth.tokenSecretRef`] = undefined;
    f[`${k}.mountPath`] = target.authPath;
    f[`${k}.role`] = target.role;
    f[`${k}.serviceAccountRef.name`] = cluster ? config.eso.serviceAccountName : config.tenancy.serviceAccountName;
    f[`${k}.serviceAccountRef.namespace`] = cluster ? config.eso.namespace : undefined;
  }
  if (cluster) f.conditions = config.store.allowAllNamespaces ? undefined : conditionsOf(config);
  return f;
}

/** `spec.conditions` as components/eso/eso.ts clusterSecretStoreSpec writes it. */
function conditionsOf(config: PlatformConfig): unknown {
  const c = storeConditions(config);
  const list: unknown[] = [];
  if (c.namespaces?.length) list.push({ namespaces: [...c.namespaces] });
  if (c.namespaceSelector && Object.keys(c.namespaceSelector).length > 0) list.push({ namespaceSelector: { matchLabels: { ...c.namespaceSelector } } });
  return list.length ? list : undefined;
}

const at = (obj: unknown, dotted: string): unknown => dotted.split(".").reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
const show = (v: unknown) => (v === undefined ? "(absent)" : typeof v === "string" && v.length > 80 ? `${v.slice(0, 40)}... (${v.length} chars)` : JSON.stringify(v));

/** Where `spec` (the live object's) differs from `expected`: one line per field, naming both values (no secrets are in a store spec). */
export function storeSpecProblems(expected: ExpectedFields, spec: unknown): string[] {
  const out: string[] = [];
  for (const [field, want] of Object.entries(expected)) {
    const got = at(spec, field);
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`spec.${field} is ${show(got)}, the stack says ${show(want)}`);
  }
  return out;
}

