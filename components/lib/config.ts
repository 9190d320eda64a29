/**
 * The stack configuration contract: every `vault-eso:*` key, its type, its
 * default, and the rules between keys. Read once, validated with zod, turned
 * into one typed object. Pure: no Pulumi resources, no Pulumi runtime calls
 * (`stack-config.ts` feeds it from the Pulumi runtime).
 *
 * Every problem is reported at once, each naming the key, the bad value and
 * the fix, before any resource is registered.
 */
import { z } from "zod";
import { parseDuration } from "./duration";
import { mountProblem, subtreeProblem } from "../../policies/vault/paths";
import { checkTenants, tenancySchema, TenancyConfig, TenantConfig, tenantSchema } from "./tenancy-config";
import { renderPathTemplate } from "../../policies/vault/paths";
import { checkTokenAuth, resolveTokenAuth, TokenAuthConfig, tokenAuthSchema } from "./token-auth-config";
import { checkTls, tlsSchema, TlsConfig } from "./tls-config";
import { auditSchema, AuditDeviceConfig, checkAudit, effectiveAuditDevices } from "./audit-config";
import { checkObservability, observabilitySchema, ObservabilityConfig } from "./observability-config";
import { checkNetwork, networkSchema, NetworkConfig } from "./network-config";
import { checkPush } from "./push-config";
import { checked, dnsLabel, dnsSubdomain, duration, pem, pemProblem, url, vaultName, vaultPolicyName } from "./schema-helpers";
import { InputError } from "./errors";

export const PROJECT = "vault-eso";

/** Keys that hold credentials: accepted only as Pulumi secrets, never echoed in errors. */
export const SECRET_KEYS = ["vaultToken", "reviewerJwt"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

// ---------------------------------------------------------------- schema

const resources = z.strictObject({
  requests: z.strictObject({ cpu: z.string().min(1), memory: z.string().min(1) }),
  limits: z.strictObject({ cpu: z.string().min(1).optional(), memory: z.string().min(1) }),
});

const DEFAULT_ESO_RESOURCES = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { memory: "256Mi" },
};

const vaultSection = z.strictObject({
  /** URL the Pulumi Vault provider uses. */
  address: url("the Vault address"),
  /** URL ESO uses from inside the cluster; defaults to `address`. */
  serverForEso: url("the Vault URL for ESO").optional(),
  /** PEM CA bundle that signs Vault's certificate. */
  caCert: pem("the Vault CA certificate").optional(),
  /** Path (relative to the project) of a PEM CA bundle; also handed to the Pulumi Vault provider. */
  caCertFile: z.string().min(1).optional(),
  skipTlsVerify: z.boolean().default(false),
  /** Vault Enterprise namespace. */
  namespace: z.string().min(1).optional(),
});

const kvSection = z.strictObject({
  path: checked((v) => {
    const p = mountProblem(v);
    return p ? `the KV v2 mount path ${p}. Fix: e.g. "secret"` : undefined;
  }).default("secret"),
  scope: checked((v) => {
    const p = subtreeProblem(v);
    return p ? `the ESO read scope ${p}. Fix: e.g. "eso" or "acme/prod/clusters/c1/shared"` : undefined;
  }).default("eso"),
});

export const TOKEN_REVIEW_MODES = ["clientJwt", "reviewerServiceAccount"] as const;
export type TokenReviewMode = (typeof TOKEN_REVIEW_MODES)[number];

const kubernetesAuthSection = z.strictObject({
  path: vaultName("the Kubernetes auth mount path").default("kubernetes"),
  /** The Kubernetes API URL as Vault reaches it (Vault calls TokenReview there). */
  host: url("the Kubernetes API URL"),
  caCert: pem("the Kubernetes API CA certificate").optional(),
  issuer: z.string().min(1).optional(),
  disableIssValidation: z.boolean().optional(),
  disableLocalCaJwt: z.boolean().default(false),
  tokenReview: z.enum(TOKEN_REVIEW_MODES).default("clientJwt"),
  reviewerNamespace: dnsLabel("the token reviewer namespace").default("vault-auth"),
  /** The audience every Kubernetes auth role requires and every store requests. */
  audience: z.string().min(1).default("vault"),
});

const esoSection = z.strictObject({
  namespace: dnsLabel("the ESO namespace").default("external-secrets"),
  serviceAccountName: dnsSubdomain("the ESO service account name").default("external-secrets"),
  /** Controller replicas; default 1 in dev, 2 in prod (with leader election). */
  replicas: z.number().int().min(1).max(10).optional(),
  role: vaultName("the ESO Vault role").default("external-secrets"),
  policy: vaultPolicyName("the ESO Vault policy").default("external-secrets-read"),
  tokenTtl: duration("the ESO token TTL", 24 * 3600).default("15m"),
  tokenMaxTtl: duration("the ESO token max TTL", 24 * 3600).default("1h"),
  resources: resources.default(DEFAULT_ESO_RESOURCES),
  concurrent: z.number().int().min(1).max(64).optional(),
});

const storeSection = z.strictObject({
  name: dnsSubdomain("the ClusterSecretStore name").default("vault-backend"),
  /** Exact namespace names that may use the store. */
  namespaces: z.array(dnsLabel("a store namespace")).min(1).optional(),
  /** Labels a namespace must carry to use the store. */
  namespaceSelector: z.record(z.string(), z.string()).optional(),
  /** Explicitly allow every namespace (no `conditions`). */
  allowAllNamespaces: z.boolean().default(false),
});

const rawSchema = z.strictObject({
  environment: z.enum(["dev", "prod"], { error: 'must be "dev" or "prod". Fix: pulumi config set vault-eso:environment prod' }),
  vault: vaultSection,
  kv: kvSection.prefault({}),
  kubernetesAuth: kubernetesAuthSection,
  eso: esoSection.prefault({}),
  store: storeSection.prefault({}),
  tenancy: tenancySchema.prefault({}),
  tenants: z.array(tenantSchema).default([]),
  tokenAuth: tokenAuthSchema.prefault({}),
  tls: tlsSchema.prefault({}),
  observability: observabilitySchema.prefault({}),
  audit: auditSchema.prefault({}),
  networkPolicies: networkSchema.prefault({}),
  vaultToken: z.string().min(1).optional(),
  reviewerJwt: z.string().min(1).optional(),
});

type Raw = z.infer<typeof rawSchema>;

/** Cross-key rules: each names the key to change. */
function crossChecks(c: Raw, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const prod = c.environment === "prod";
  const scheme = (u: string) => {
    try {
      return new URL(u).protocol;
    } catch {
      return undefined; // already reported by the field's own check
    }
  };

  if (prod && scheme(c.vault.address) === "http:") {
    issue(["vault", "address"], 'prod must reach Vault over https. Fix: use "https://..." and give vault.caCert or vault.caCertFile if Vault uses a private CA');
  }
  if (prod && c.vault.serverForEso && scheme(c.vault.serverForEso) === "http:") {
    issue(["vault", "serverForEso"], 'prod must reach Vault over https. Fix: use "https://..."');
  }
  if (c.vault.skipTlsVerify && c.environment !== "dev") {
    issue(["vault", "skipTlsVerify"], "skipping TLS verification is only allowed in dev. Fix: remove it and give vault.caCert or vault.caCertFile");
  }
  if (c.vault.caCert && c.vault.caCertFile) {
    issue(["vault", "caCertFile"], "give either vault.caCert or vault.caCertFile, not both. Fix: remove one");
  }
  if (scheme(c.kubernetesAuth.host) === "http:") {
    issue(["kubernetesAuth", "host"], 'the Kubernetes API is always served over https. Fix: use the "server:" URL from your kubeconfig');
  }
  if (c.reviewerJwt !== undefined && c.kubernetesAuth.tokenReview !== "reviewerServiceAccount") {
    issue(["reviewerJwt"], 'a reviewer JWT is only used with kubernetesAuth.tokenReview "reviewerServiceAccount". Fix: pulumi config rm vault-eso:reviewerJwt, or set tokenReview to "reviewerServiceAccount"');
  }
  const ttl = parseDuration(c.eso.tokenTtl);
  const maxTtl = parseDuration(c.eso.tokenMaxTtl);
  if (ttl !== undefined && maxTtl !== undefined && ttl > maxTtl) {
    issue(["eso", "tokenTtl"], `the token TTL (${c.eso.tokenTtl}) is longer than its max TTL (${c.eso.tokenMaxTtl}). Fix: lower eso.tokenTtl or raise eso.tokenMaxTtl`);
  }
  if (prod && c.eso.replicas !== undefined && c.eso.replicas < 2) {
    issue(["eso", "replicas"], "prod runs at least 2 ESO controller replicas (with leader election) so a node loss does not stop secret sync. Fix: set eso.replicas to 2 or remove it");
  }
  const conditions = c.store.namespaces !== undefined || c.store.namespaceSelector !== undefined;
  if (!conditions && !c.store.allowAllNamespaces) {
    issue(["store"], "the ClusterSecretStore would serve every namespace. Fix: set store.namespaces or store.namespaceSelector, or set store.allowAllNamespaces: true to accept that");
  }
  if (conditions && c.store.allowAllNamespaces) {
    issue(["store", "allowAllNamespaces"], "allowAllNamespaces contradicts store.namespaces/namespaceSelector. Fix: remove one of them");
  }
  checkTokenAuth(c.tokenAuth, issue);
  const serverForEso = c.vault.serverForEso ?? c.vault.address;
  if (c.tokenAuth.enabled && scheme(serverForEso) === "https:" && !c.vault.caCert && !c.vault.caCertFile && c.tls.certManager.enabled) {
    issue(["tokenAuth", "enabled"], "the token renewer verifies Vault's certificate with vault.caCert/caCertFile only, and the cert-manager CA is not in config. Fix: also give the CA as vault.caCertFile (e.g. exported from the cert-manager CA Secret's ca.crt), or use Kubernetes auth");
  }
  checkTenants(
    c.tenants,
    {
      platformNamespaces: platformNamespaces(c),
      subtreeOf: (t) => t.path ?? tenantSubtree(c.tenancy, c.environment, t.name),
      esoScope: c.kv.scope,
      policyMode: c.tenancy.policy,
      mode: c.tenancy.mode,
    },
    issue,
  );
  checkTls(c.tls, { environment: c.environment, hasCaCert: !!(c.vault.caCert || c.vault.caCertFile), serverForEso, skipTlsVerify: c.vault.skipTlsVerify }, issue);
  checkObservability(c.observability, issue);
  checkAudit(c.audit, c.environment, issue);
  checkNetwork(c.networkPolicies, issue);
  checkPush(c.tenants, c.tenancy.mode, issue);
  if (c.store.namespaceSelector && Object.keys(c.store.namespaceSelector).length === 0) {
    issue(["store", "namespaceSelector"], "an empty selector matches every namespace. Fix: give at least one label, or use allowAllNamespaces: true");
  }
}

/** Namespaces the platform itself uses; no tenant may take them. */
function platformNamespaces(c: Raw): string[] {
  const out = [c.eso.namespace];
  if (c.kubernetesAuth.tokenReview === "reviewerServiceAccount") out.push(c.kubernetesAuth.reviewerNamespace);
  if (c.tokenAuth.enabled) out.push(c.tokenAuth.namespace);
  if (c.tls.certManager.enabled && c.tls.certManager.install) out.push(c.tls.certManager.namespace);
  return out;
}

/** A tenant's subtree of the KV mount, from the path template. */
export function tenantSubtree(tenancy: Pick<TenancyConfig, "pathTemplate" | "org" | "cluster">, environment: string, tenant: string): string {
  return renderPathTemplate(tenancy.pathTemplate, { org: tenancy.org, env: environment, cluster: tenancy.cluster, tenant });
}

// ---------------------------------------------------------------- result

export interface ResourceRequirements {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** The validated, typed stack configuration every component is built from. */
export interface PlatformConfig {
  readonly environment: "dev" | "prod";
  readonly vault: {
    readonly address: string;
    readonly serverForEso: string;
    /** PEM CA bundle for Vault's certificate (from caCert or the content of caCertFile). */
    readonly caCertPem?: string;
    readonly caCertFile?: string;
    readonly skipTlsVerify: boolean;
    readonly namespace?: string;
  };
  readonly kv: { readonly path: string; readonly scope: string };
  readonly kubernetesAuth: {
    readonly path: string;
    readonly host: string;
    readonly caCertPem?: string;
    readonly issuer?: string;
    readonly disableIssValidation?: boolean;
    readonly disableLocalCaJwt: boolean;
    readonly tokenReview: TokenReviewMode;
    readonly reviewerNamespace: string;
    readonly audience: string;
  };
  readonly eso: {
    readonly namespace: string;
    readonly serviceAccountName: string;
    readonly replicas: number;
    readonly leaderElect: boolean;
    readonly role: string;
    readonly policy: string;
    readonly tokenTtlSeconds: number;
    readonly tokenMaxTtlSeconds: number;
    readonly resources: ResourceRequirements;
    readonly concurrent?: number;
  };
  readonly store: {
    readonly name: string;
    readonly namespaces?: readonly string[];
    readonly namespaceSelector?: Readonly<Record<string, string>>;
    readonly allowAllNamespaces: boolean;
  };
  readonly tenancy: TenancyConfig;
  /** Tenants, each with its rendered KV subtree. */
  readonly tenants: ReadonlyArray<TenantConfig & { readonly subtree: string }>;
  /** Token auth for the ClusterSecretStore, renewed and rotated by a CronJob (TokenRenewer). */
  readonly tokenAuth: TokenAuthConfig;
  readonly tls: TlsConfig;
  readonly observability: ObservabilityConfig;
  /** Audit devices in effect (prod's default applied). */
  readonly audit: { readonly devices: readonly AuditDeviceConfig[] };
  readonly networkPolicies: NetworkConfig;
}

/** Credentials read from Pulumi secrets; wrap in `pulumi.secret` before use. */
export type ConfigSecrets = Partial<Record<SecretKey, string>>;

export interface ConfigProblem {
  /** Full config key with path, e.g. `vault-eso:kv.path`. */
  readonly key: string;
  /** The offending value as JSON, or "[secret]" / "(unset)". */
  readonly value: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Every problem of a stack config at once; a RunError (see errors.ts): `pulumi preview` prints only the message. */
export class ConfigError extends InputError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid stack configuration: ${problems.length} problem(s); nothing was deployed.\n` +
        problems.map((p) => `  - ${p.key} = ${p.value}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export interface ParseOptions {
  /** Full keys (`vault-eso:vaultToken`) Pulumi holds as secrets. */
  readonly secretKeys: ReadonlySet<string>;
  /** Reads a file named in config (CA bundles); paths are relative to the project directory. */
  readonly readFile: (path: string) => string;
}

/**
 * Validates the raw Pulumi config map (`{"vault-eso:kv": "{...json...}", ...}`;
 * other namespaces are ignored) and returns the typed config and secrets, or
 * throws a `ConfigError` listing every problem.
 */
export function parseStackConfig(
  rawConfig: Readonly<Record<string, string>>,
  options: ParseOptions,
): { config: PlatformConfig; secrets: ConfigSecrets } {
  const input: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [fullKey, value] of Object.entries(rawConfig)) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    input[key] = decodeValue(value);
  }
  for (const key of SECRET_KEYS) {
    const fullKey = `${PROJECT}:${key}`;
    if (fullKey in rawConfig && !options.secretKeys.has(fullKey)) {
      problems.push({
        key: fullKey,
        value: "[secret]",
        message: `is stored in plain text in the stack file. Fix: pulumi config rm ${fullKey} && pulumi config set --secret ${fullKey} <value>`,
      });
    }
  }

  const parsed = rawSchema.superRefine(crossChecks).safeParse(input);
  if (!parsed.success) {
    for (const iss of parsed.error.issues) problems.push(...describeIssue(iss, input));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const raw = parsed.data;
  const caCertPem = resolveCaFile(raw, options, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const replicas = raw.eso.replicas ?? (raw.environment === "prod" ? 2 : 1);
  const config: PlatformConfig = {
    environment: raw.environment,
    vault: {
      address: raw.vault.address,
      serverForEso: raw.vault.serverForEso ?? raw.vault.address,
      caCertPem,
      caCertFile: raw.vault.caCertFile,
      skipTlsVerify: raw.vault.skipTlsVerify,
      namespace: raw.vault.namespace,
    },
    kv: raw.kv,
    kubernetesAuth: {
      path: raw.kubernetesAuth.path,
      host: raw.kubernetesAuth.host,
      caCertPem: raw.kubernetesAuth.caCert,
      issuer: raw.kubernetesAuth.issuer,
      disableIssValidation: raw.kubernetesAuth.disableIssValidation,
      disableLocalCaJwt: raw.kubernetesAuth.disableLocalCaJwt,
      tokenReview: raw.kubernetesAuth.tokenReview,
      reviewerNamespace: raw.kubernetesAuth.reviewerNamespace,
      audience: raw.kubernetesAuth.audience,
    },
    eso: {
      namespace: raw.eso.namespace,
      serviceAccountName: raw.eso.serviceAccountName,
      replicas,
      leaderElect: replicas > 1,
      role: raw.eso.role,
      policy: raw.eso.policy,
      tokenTtlSeconds: parseDuration(raw.eso.tokenTtl)!,
      tokenMaxTtlSeconds: parseDuration(raw.eso.tokenMaxTtl)!,
      resources: raw.eso.resources,
      concurrent: raw.eso.concurrent,
    },
    store: raw.store,
    tenancy: raw.tenancy,
    tenants: raw.tenants.map((t) => ({ ...t, subtree: t.path ?? tenantSubtree(raw.tenancy, raw.environment, t.name) })),
    tokenAuth: resolveTokenAuth(raw.tokenAuth),
    tls: raw.tls,
    observability: raw.observability,
    audit: { devices: effectiveAuditDevices(raw.audit, raw.environment) },
    networkPolicies: raw.networkPolicies,
  };
  const secrets: ConfigSecrets = {};
  if (raw.vaultToken !== undefined) secrets.vaultToken = raw.vaultToken;
  if (raw.reviewerJwt !== undefined) secrets.reviewerJwt = raw.reviewerJwt;
  return { config, secrets };
}

function resolveCaFile(raw: Raw, options: ParseOptions, problems: ConfigProblem[]): string | undefined {
  const file = raw.vault.caCertFile;
  if (file === undefined) return raw.vault.caCert;
  const key = `${PROJECT}:vault.caCertFile`;
  let text: string;
  try {
    text = options.readFile(file);
  } catch (e) {
    problems.push({ key, value: JSON.stringify(file), message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: give a path relative to the Pulumi project directory` });
    return undefined;
  }
  const p = pemProblem(text);
  if (p) problems.push({ key, value: JSON.stringify(file), message: `the file ${p}` });
  return text;
}

/** Pulumi passes structured values as JSON strings and scalars as plain strings. */
function decodeValue(value: string): unknown {
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  return value;
}

function describeIssue(iss: z.core.$ZodIssue, input: Record<string, unknown>): ConfigProblem[] {
  const path = iss.path.map(String);
  if (iss.code === "unrecognized_keys") {
    return iss.keys.map((k) => {
      const keyPath = [...path, k];
      const known = knownKeys(path);
      return {
        key: fullKeyName(keyPath),
        value: showValue(keyPath, input),
        message: `is not a known setting${closest(k, known)}. Fix: remove it or use one of: ${known.join(", ")}`,
      };
    });
  }
  let message = iss.message;
  if (iss.code === "invalid_type") {
    const got = valueAt(path, input);
    message =
      got === undefined
        ? `is required (${iss.expected}). Fix: set it in Pulumi.<stack>.yaml (see README, "Configuration")`
        : `must be ${article(iss.expected)}, not ${describeType(got)}. Fix: set it as a YAML ${iss.expected} in Pulumi.<stack>.yaml`;
  } else if (iss.code === "invalid_value" && !message.includes("Fix:")) {
    message = `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(", ")}. Fix: pick one of them`;
  } else if (!message.includes("Fix:")) {
    message = `${message}. Fix: see README, "Configuration"`;
  }
  return [{ key: fullKeyName(path), value: showValue(path, input), message }];
}

function fullKeyName(path: readonly string[]): string {
  if (path.length === 0) return `${PROJECT}:(root)`;
  const [top, ...rest] = path;
  return `${PROJECT}:${top}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
}

function valueAt(path: readonly string[], input: unknown): unknown {
  let cur: unknown = input;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function showValue(path: readonly string[], input: Record<string, unknown>): string {
  if (path.length > 0 && (SECRET_KEYS as readonly string[]).includes(path[0])) return "[secret]";
  const v = valueAt(path, input);
  if (v === undefined) return "(unset)";
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function knownKeys(path: readonly string[]): string[] {
  let schema: z.ZodType = rawSchema;
  for (const p of path) {
    const shape = objectShape(schema);
    if (!shape || !(p in shape)) return [];
    schema = shape[p];
  }
  const shape = objectShape(schema);
  return shape ? Object.keys(shape) : [];
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType = schema;
  // unwrap default/prefault/optional wrappers
  for (let i = 0; i < 5; i++) {
    if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
    const inner = (s as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
    if (!inner) return undefined;
    s = inner;
  }
  return undefined;
}

function closest(k: string, known: readonly string[]): string {
  const lower = k.toLowerCase();
  const hit = known.find((c) => c.toLowerCase() === lower || editDistance(c.toLowerCase(), lower) <= 2);
  return hit ? ` (did you mean "${hit}"?)` : "";
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function describeType(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  if (typeof v === "object") return "a map";
  return `${article(typeof v)}`;
}
