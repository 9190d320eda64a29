/**
 * The Vault load ESO puts on Vault for one stack: expected logins and token lookups per hour, from
 * its stores, their roles' token TTLs and the refresh intervals of the ExternalSecrets and
 * PushSecrets that use them. Pure: reads resources as the engine registers them.
 *
 * ESO 2.9.0 (external-secrets/external-secrets at v2.9.0), per reconcile of an ExternalSecret or
 * PushSecret and per store validation, builds a Vault client (providers/v1/vault/provider.go newClient):
 * - with the token cache (`--enable-vault-token-cache`, chart `vault.enableTokenCache`; the ESO
 *   release here turns it on), one client per store (per namespace for a referent ClusterSecretStore),
 *   reused while the store's resourceVersion holds (getVaultClient). Each use looks its token up
 *   (auth.go setAuth -> checkToken: `auth/token/lookup-self`) and logs in again only when the token
 *   is gone or has under 60 s left (checkToken treats ttl < 60 as expired; ESO never renews). So a
 *   store logs in at most once per (token TTL - 60 s), and only when something uses it.
 * - without it, every use logs in and then revokes its token on Close (client.go Close ->
 *   revokeTokenIfValid: lookup-self, then revoke-self): one login and one lookup per use.
 * - a store validation (the store controller requeues each store every `--store-requeue-interval`,
 *   5m by default, cmd/controller/root.go) is a use; after a fresh login it looks the token up once
 *   more (validate.go Validate: no expiry known yet).
 * - an ExternalSecret without `refreshInterval` refreshes every hour (the v1 API default); "0" only on change.
 * Estimates are upper bounds for steady state (no failures, no retries, no pod restarts).
 */

import { ESO_CHART } from "../../components/eso/eso";

/** A registration as the model reads it: type and plain inputs (the pack's props, a render's inputs). */
export interface LoadResource {
  readonly type: string;
  readonly props: Record<string, any>;
}

export interface StoreLoad {
  /** `SecretStore team-a/vault`, `ClusterSecretStore vault-backend`. */
  readonly store: string;
  /** Uses (reconciles + validations) per hour. */
  readonly usesPerHour: number;
  /** The token TTL of the role the store logs in with (seconds), when the stack defines it. */
  readonly tokenTtl?: number;
  readonly loginsPerHour: number;
  readonly lookupsPerHour: number;
}

export interface LoadEstimate {
  readonly tokenCache: boolean;
  readonly stores: readonly StoreLoad[];
  readonly loginsPerHour: number;
  readonly lookupsPerHour: number;
}

/** ESO 2.9.0 cmd/controller/root.go `--store-requeue-interval` default. */
export const STORE_REQUEUE_SECONDS = 300;
/** ExternalSecret/PushSecret `refreshInterval` default (apis/externalsecrets/v1 `+kubebuilder:default="1h"`). */
export const DEFAULT_REFRESH_SECONDS = 3600;
/** checkToken: a token with less than this left counts as expired. */
const EXPIRY_MARGIN_SECONDS = 60;

/** A Go duration ("1h", "90s", "1h30m", "1.5h", "500ms", "0") in seconds; undefined when it is not one. */
export function goDurationSeconds(s: unknown): number | undefined {
  if (typeof s !== "string") return undefined;
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
  if (!/^((\d+(\.\d+)?)(h|ms|m|s|us|µs|ns))+$/.test(s)) return undefined;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, "µs": 1e-6, ns: 1e-9 };
  let total = 0;
  for (const m of s.matchAll(re)) total += Number(m[1]) * unit[m[2]];
  return total;
}

const kindOf = (r: LoadResource) => (r.type.startsWith("kubernetes:") ? r.props.kind : undefined);
const perHour = (seconds: number | undefined) => (seconds === undefined ? 3600 / DEFAULT_REFRESH_SECONDS : seconds <= 0 ? 0 : 3600 / seconds);

function ttlSecondsOf(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  return goDurationSeconds(v);
}

/** Whether the ESO release turns the token cache on (its chart values). */
function tokenCacheOn(resources: readonly LoadResource[]): boolean {
  return resources.some((r) => r.type.startsWith("kubernetes:helm.sh/") && r.props.chart === ESO_CHART.name && r.props.values?.vault?.enableTokenCache === true);
}

/**
 * `tokenCache`: override what the stack's ESO release says (a component user installs ESO elsewhere).
 * Stores of another stack (a tenant stack's ExternalSecrets on the platform's ClusterSecretStore)
 * count by the references to them, with their token TTL unknown (one login per use).
 */
export function estimateVaultLoad(resources: readonly LoadResource[], opts: { tokenCache?: boolean } = {}): LoadEstimate {
  const tokenCache = opts.tokenCache ?? tokenCacheOn(resources);
  const roles = new Map<string, number | undefined>();
  for (const r of resources) {
    if (r.type === "vault:kubernetes/authBackendRole:AuthBackendRole") roles.set(`${r.props.backend ?? "kubernetes"}/${r.props.roleName}`, ttlSecondsOf(r.props.tokenTtl));
  }
  const stores = new Map<string, { uses: number; ttl?: number; known: boolean }>();
  const storeKey = (kind: string, name: string, ns: string | undefined) => (kind === "ClusterSecretStore" ? `ClusterSecretStore ${name}` : `SecretStore ${ns ?? "default"}/${name}`);
  for (const r of resources) {
    const kind = kindOf(r);
    if (kind !== "SecretStore" && kind !== "ClusterSecretStore") continue;
    const k8s = r.props.spec?.provider?.vault?.auth?.kubernetes;
    const ttl = k8s ? roles.get(`${k8s.mountPath ?? "kubernetes"}/${k8s.role}`) : undefined;
    stores.set(storeKey(kind, r.props.metadata?.name, r.props.metadata?.namespace), { uses: 3600 / STORE_REQUEUE_SECONDS, ttl, known: true });
  }
  const use = (kind: string | undefined, name: string | undefined, ns: string | undefined, n: number) => {
    if (!name) return;
    const key = storeKey(kind ?? "SecretStore", name, ns);
    const s = stores.get(key) ?? { uses: 0, known: false };
    s.uses += n;
    stores.set(key, s);
  };
  for (const r of resources) {
    const kind = kindOf(r);
    const ns = r.props.metadata?.namespace;
    if (kind === "ExternalSecret") {
      const ref = r.props.spec?.secretStoreRef ?? {};
      use(ref.kind, ref.name, ns, perHour(goDurationSeconds(r.props.spec?.refreshInterval)));
    } else if (kind === "PushSecret") {
      for (const ref of r.props.spec?.secretStoreRefs ?? []) use(ref.kind, ref.name, ns, perHour(goDurationSeconds(r.props.spec?.refreshInterval)));
    }
  }
  const out: StoreLoad[] = [];
  for (const [store, s] of [...stores].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const validations = s.known ? 3600 / STORE_REQUEUE_SECONDS : 0;
    let logins: number;
    let lookups: number;
    if (tokenCache && s.ttl !== undefined) {
      logins = Math.min(s.uses, 3600 / Math.max(s.ttl - EXPIRY_MARGIN_SECONDS, 1));
      lookups = s.uses + Math.min(logins, validations);
    } else {
      logins = s.uses;
      lookups = s.uses + validations;
    }
    out.push({ store, usesPerHour: round(s.uses), ...(s.ttl !== undefined ? { tokenTtl: s.ttl } : {}), loginsPerHour: round(logins), lookupsPerHour: round(lookups) });
  }
  return {
    tokenCache,
    stores: out,
    loginsPerHour: round(out.reduce((a, s) => a + s.loginsPerHour, 0)),
    lookupsPerHour: round(out.reduce((a, s) => a + s.lookupsPerHour, 0)),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** One line for a summary: `vault load: ~N logins/h, ~M token lookups/h (K stores, token cache on)`. */
export function formatLoad(e: LoadEstimate): string {
  return `vault load: ~${e.loginsPerHour} logins/h, ~${e.lookupsPerHour} token lookups/h (${e.stores.length} store${e.stores.length === 1 ? "" : "s"}, ESO token cache ${e.tokenCache ? "on" : "off"})`;
}
