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
import { checkTenants, podSecurityFinding, tenancySchema, TenancyConfig, TenantConfig, tenantSchema } from "../tenants/tenancy-config";
import { renderPathTemplate } from "../../policies/vault/paths";
import { checkTokenAuth, resolveTokenAuth, TokenAuthConfig, tokenAuthSchema } from "../token-renewer/token-auth-config";
import { checkTls, tlsSchema, TlsConfig } from "../trust/tls-config";
import { auditSchema, AuditDeviceConfig, checkAudit, effectiveAuditDevices } from "../vault-backend/audit-config";
import { checkObservability, observabilitySchema, ObservabilityConfig } from "../observability/observability-config";
import { checkNetwork, networkSchema, NetworkConfig } from "../network/network-config";
import { checkPush } from "../tenants/push-config";
import { KvMountOptions, kvOptionProblems, resolveKvOptions } from "../vault-backend/kv-options";
import { checkWriters } from "../tenants/writers-config";
import { objectField, tenantVaultObjectKeys, vaultObjectClashes } from "../tenants/vault-objects";
import { describeVaultObjectKey } from "../../policies/vault/names";
import { checkReloader, ReloaderConfig, reloaderSchema } from "../reloader/reloader-config";
import { adoptSchema, AdoptConfig, checkAdopt, managedVaultNames } from "../vault-backend/adopt-config";
import { checked, dnsLabel, dnsSubdomain, duration, pem, pemProblem, projectPath, resourcesSchema, url, vaultName, vaultPolicyName } from "./schema-helpers";
import { configPathProblem, ProjectFileError, readFailure } from "./project-files";
import { fileFieldKey, readTenantFiles, redactedExcerpt, TenantFileSystem, TenantOrigin, tenantLabel } from "../tenants/tenant-files";
import { checkShards, contractProblem, shardProblems, shardsSchema, ShardsConfig, stackRef, TenantContract } from "../tenants/shard-config";
import {
  DEFAULT_API_AUDIENCES,
  effectiveDisableLocalCaJwt,
  kubernetesAuthProblems,
  singleAudienceProblem,
  TOKEN_REVIEW_MODES,
  TokenReviewMode,
  VAULT_LOCATIONS,
  VaultLocation,
} from "../vault-backend/kubernetes-auth";

export { TOKEN_REVIEW_MODES } from "../vault-backend/kubernetes-auth";
export type { TokenReviewMode } from "../vault-backend/kubernetes-auth";
import { InputError } from "./errors";

export const PROJECT = "vault-eso";

/** Default description of the KV mount the program creates. */
export const KV_MOUNT_DESCRIPTION = "KV v2 for External Secrets Operator (managed by vault-eso)";
/** Default description of the Kubernetes auth method the program creates. */
export const KUBERNETES_AUTH_DESCRIPTION = "Kubernetes service-account login (managed by vault-eso)";

/** Keys that hold credentials: accepted only as Pulumi secrets, never echoed in errors. */
export const SECRET_KEYS = ["vaultToken", "reviewerJwt"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

// ---------------------------------------------------------------- schema

const DEFAULT_ESO_RESOURCES = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { memory: "256Mi" },
};

const vaultSection = z
  .strictObject({
    address: url("the Vault address").describe("Where Pulumi (the Vault provider) reaches Vault, e.g. `https://vault.example.com:8200`; https in prod."),
    serverForEso: url("the Vault URL for ESO")
      .optional()
      .meta({ description: "Where ESO, inside the cluster, reaches Vault (dev: the kind network's gateway, e.g. `http://172.18.0.1:8200`); https in prod.", defaultText: "`vault.address`" }),
    caCert: pem("the Vault CA certificate")
      .optional()
      .describe("PEM CA bundle that signs Vault's certificate; checked to parse; sent to every store as base64 `caBundle` (or a ConfigMap: `tls.caDelivery`). Not with `caCertFile`."),
    caCertFile: projectPath("vault.caCertFile")
      .optional()
      .meta({ typeName: "path", description: "The same CA from a file inside the project directory (relative path; regular file, at most 1 MiB); also handed to the Pulumi Vault provider. Not with `caCert`." }),
    skipTlsVerify: z.boolean().default(false).describe("Skip verifying Vault's certificate. dev only."),
    namespace: z.string().min(1).optional().describe("Vault Enterprise namespace."),
  })
  .describe("Where Vault is and how it is trusted.");

const kvSection = z
  .strictObject({
    path: checked((v) => {
      const p = mountProblem(v);
      return p ? `the KV v2 mount path ${p}. Fix: e.g. "secret"` : undefined;
    })
      .meta({ typeName: "mount name" })
      .default("secret")
      .describe("The KV v2 mount: one segment, no `/` (ESO adds `data/` itself), not `data`, `metadata`, `sys`, `auth`, ... Protected and retained on delete."),
    scope: checked((v) => {
      const p = subtreeProblem(v);
      return p ? `the ESO read scope ${p}. Fix: e.g. "eso" or "acme/prod/clusters/c1/shared"` : undefined;
    })
      .meta({ typeName: "path" })
      .default("eso")
      .describe("The subtree the cluster-wide ESO identity may read: `read` on `<path>/data/<scope>/*`, `read`,`list` on `<path>/metadata/<scope>/*`. No `*`, `+`, `..`, leading or trailing `/`; must not contain or sit under a tenant's subtree."),
    description: z
      .string()
      .optional()
      .meta({ description: "The mount's description. When adopting an existing mount (`adopt.kvMount`): its current description (required then).", defaultText: "`KV v2 for External Secrets Operator (managed by vault-eso)`" }),
    // Checked in kv-options.ts against what Vault's path_config.go would misread (whole numbers, ranges, durations).
    maxVersions: z.unknown().optional().meta({ typeName: "integer", description: "Versions kept per key (Vault's `max_versions`, written to `<path>/config`). 0 is refused: Vault reads it as its default, not unlimited.", defaultText: "unset (Vault keeps 10)" }),
    casRequired: z.boolean().optional().meta({ description: "Every write must carry check-and-set (`cas_required`); every store then sends `checkAndSet: {required: true}` so ESO's PushSecrets comply.", defaultText: "unset (false)" }),
    deleteVersionAfter: z.unknown().optional().meta({ typeName: "duration", description: "Age after which a version is deleted (`delete_version_after`), e.g. `90d`; `0s` keeps versions forever; negative is refused.", defaultText: "unset" }),
  })
  .describe("The KV v2 mount ESO reads from.");

const kubernetesAuthSection = z
  .strictObject({
    path: vaultName("the Kubernetes auth mount path").default("kubernetes").describe("The Kubernetes auth mount path (not `token`)."),
    description: z
      .string()
      .optional()
      .meta({ description: "The auth method's description. When adopting (`adopt.kubernetesAuthMount`): its current description (required then).", defaultText: "`Kubernetes service-account login (managed by vault-eso)`" }),
    host: url("the Kubernetes API URL").describe("The Kubernetes API as Vault reaches it (Vault calls TokenReview there); https. kind: the `server:` of `kind get kubeconfig`."),
    vaultRunsIn: z
      .enum(VAULT_LOCATIONS)
      .default("external")
      .describe("Where Vault runs: `external` (not in a pod of this cluster: `vault server -dev` on a workstation, a VM, another cluster) or `cluster`. Outside the cluster Vault has no pod CA to fall back on and refuses the config write without `caCert`/`caCertFile`."),
    caCert: pem("the Kubernetes API CA certificate")
      .optional()
      .describe("The API server's CA. Required with `vaultRunsIn: external` (or `disableLocalCaJwt: true`)."),
    caCertFile: projectPath("kubernetesAuth.caCertFile")
      .optional()
      .meta({ typeName: "path", description: "The same CA from a file inside the project directory (relative path; regular file, at most 1 MiB; dev: `kind-ca.pem`, extracted from kind's kubeconfig). Not with `caCert`." }),
    issuer: z.string().min(1).optional().describe("JWT issuer, when Vault validates it."),
    disableIssValidation: z.boolean().optional().meta({ description: "Skip the JWT issuer check.", defaultText: "Vault's (`true`)" }),
    disableLocalCaJwt: z.boolean().optional().meta({
      description: "Do not let Vault use its own pod's CA and token. `false` is refused with `vaultRunsIn: cluster` + `clientJwt` (Vault would review with its own token); `true` without a CA means the system roots (warned).",
      defaultText: "`true` with `vaultRunsIn: cluster` + `clientJwt`, else `false`",
    }),
    tokenReview: z
      .enum(TOKEN_REVIEW_MODES)
      .default("clientJwt")
      .describe("Whose token Vault's TokenReview call carries: the caller's own (`clientJwt`: no long-lived token) or a dedicated reviewer service account's (`reviewerServiceAccount`, in `reviewerNamespace`, bound to `system:auth-delegator`). See docs/design.md."),
    apiAudiences: z
      .array(z.string().min(1))
      .min(1)
      .default([...DEFAULT_API_AUDIENCES])
      .describe("The API server's audiences (its issuer unless `--api-audiences` says otherwise; EKS/GKE/AKS differ: `kubectl get --raw /.well-known/openid-configuration | jq -r .issuer`). In `clientJwt` mode every store's token requests them besides `audience`."),
    reviewerNamespace: dnsLabel("the token reviewer namespace").default("vault-auth").describe("Namespace of the reviewer service account (`reviewerServiceAccount` mode)."),
    reviewerTokenGeneration: z
      .number()
      .int()
      .min(1)
      .max(100000)
      .optional()
      .meta({ description: "Rotation generation of the reviewer's token Secret (`reviewerServiceAccount` mode, not with `reviewerJwt`). Raise it by one to rotate: the next `up` creates a new token, points Vault at it, then deletes the old Secret (docs/operations.md).", defaultText: "1" }),
    audience: z.string().min(1).default("vault").describe("The audience every Kubernetes auth role requires and every store requests."),
  })
  .describe("Vault's Kubernetes auth method: how Vault checks the service-account tokens ESO and the tenants log in with.");

const esoSection = z
  .strictObject({
    namespace: dnsLabel("the ESO namespace").default("external-secrets").describe("ESO's namespace (Pod Security `restricted`)."),
    serviceAccountName: dnsSubdomain("the ESO service account name").default("external-secrets").describe("ESO's service account: the identity Vault's ESO role binds."),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(10)
      .optional()
      .meta({ description: "Controller replicas; at least 2 in prod. Leader election turns on above 1.", defaultText: "1 (dev), 2 (prod)" }),
    role: vaultName("the ESO Vault role").default("external-secrets").describe("The Kubernetes auth role ESO logs in with."),
    policy: vaultPolicyName("the ESO Vault policy").default("external-secrets-read").describe("ESO's read policy (lower-case: Vault stores policy names lower-cased; not `root`/`default`)."),
    tokenTtl: duration("the ESO token TTL", 24 * 3600).default("15m").describe("TTL of ESO's Vault token; at most `tokenMaxTtl`."),
    tokenMaxTtl: duration("the ESO token max TTL", 24 * 3600).default("1h").describe("Max TTL of ESO's Vault token."),
    resources: resourcesSchema("ESO's controller, webhook and cert controller").default(DEFAULT_ESO_RESOURCES),
    concurrent: z.number().int().min(1).max(64).optional().meta({ description: "Concurrent reconciles of the controller.", defaultText: "the chart's (1)" }),
  })
  .describe("The External Secrets Operator Helm release and its Vault identity.");

const storeSection = z
  .strictObject({
    name: dnsSubdomain("the ClusterSecretStore name").default("vault-backend").describe("The ClusterSecretStore's name."),
    namespaces: z.array(dnsLabel("a store namespace")).min(1).optional().describe("Exact namespace names that may use the store."),
    namespaceSelector: z.record(z.string(), z.string()).optional().describe("Labels a namespace must carry to use the store (at least one)."),
    allowAllNamespaces: z.boolean().default(false).describe("Leave the store open to every namespace (no `conditions`). Required when neither `namespaces` nor `namespaceSelector` is set; contradicts them."),
  })
  .describe("The cluster-wide ClusterSecretStore. It must list the namespaces (or labels) allowed to use it unless `allowAllNamespaces` says otherwise.");

/** The whole `vault-eso:` config schema. Every key carries its description (`.describe()`/`.meta()`): docs/configuration.md is generated from it (npm run docs:config). */
export const configSchema = z.strictObject({
  environment: z
    .enum(["dev", "prod"], { error: 'must be "dev" or "prod". Fix: pulumi config set vault-eso:environment prod' })
    .describe("`prod` turns on the https, TLS, replica and audit rules."),
  vault: vaultSection,
  kv: kvSection.prefault({}),
  kubernetesAuth: kubernetesAuthSection,
  eso: esoSection.prefault({}),
  store: storeSection.prefault({}),
  tenancy: tenancySchema.prefault({}),
  tenants: z.array(tenantSchema).default([]).describe("One entry per team; see docs/operations.md#tenants. Each becomes a `TenantNamespace`."),
  tenantFiles: z
    .union([projectPath("a tenantFiles entry"), z.array(projectPath("a tenantFiles entry")).min(1)])
    .optional()
    .describe("Files holding more tenants, each validated like `tenants` (errors name the file and field): a file, a directory (`*.yaml`/`*.yml`), a `dir/*.yaml` pattern, or a list of these, relative to the project directory and inside it (no absolute or `..` paths, no symlinks out of it, regular files of at most 1 MiB); see docs/sharding.md."),
  shards: shardsSchema.optional().describe("Platform stack: the tenant stacks (`<org>/<project>/<stack>`) and the tenants each owns; a tenant claimed twice is refused; see docs/sharding.md."),
  tokenAuth: tokenAuthSchema.prefault({}),
  tls: tlsSchema.prefault({}),
  observability: observabilitySchema.prefault({}),
  audit: auditSchema.prefault({}),
  networkPolicies: networkSchema.prefault({}),
  adopt: adoptSchema.prefault({}),
  reloader: reloaderSchema.prefault({}),
  vaultToken: z.string().min(1).optional().describe("**Secret.** Vault token for Pulumi (`pulumi config set --secret`); without it the provider uses `VAULT_TOKEN`. See docs/deployer-policy.md for the least privilege it needs."),
  reviewerJwt: z.string().min(1).optional().describe("**Secret.** Bring-your-own reviewer JWT (`reviewerServiceAccount` mode only; no reviewer service account is created then)."),
});

type Raw = z.infer<typeof configSchema>;

/** Cross-key rules: each names the key to change. `origins[i]`: the file tenant i came from. */
const crossChecks = (origins: ReadonlyArray<TenantOrigin | undefined>, thisStack: string | undefined) => (c: Raw, ctx: z.RefinementCtx): void => {
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
  const k = c.kubernetesAuth;
  if (k.caCert && k.caCertFile) {
    issue(["kubernetesAuth", "caCertFile"], "give either kubernetesAuth.caCert or kubernetesAuth.caCertFile, not both. Fix: remove one");
  }
  for (const p of kubernetesAuthProblems({ vaultRunsIn: k.vaultRunsIn, tokenReview: k.tokenReview, hasCaCert: !!(k.caCert || k.caCertFile), disableLocalCaJwt: k.disableLocalCaJwt })) {
    issue(["kubernetesAuth", p.field], p.message);
  }
  const metricsAudience = c.observability.vaultMetrics.audience;
  const metricsProblem = c.observability.vaultMetrics.enabled && metricsAudience !== undefined ? singleAudienceProblem(k.tokenReview, metricsAudience, k.apiAudiences) : undefined;
  if (metricsProblem) {
    issue(["observability", "vaultMetrics", "audience"], `${metricsProblem}. Fix: remove it (it then defaults to the first of kubernetesAuth.apiAudiences), or use tokenReview "reviewerServiceAccount"`);
  }
  if (c.kubernetesAuth.path === "token") {
    // hashicorp/vault vault/auth.go enableCredentialInternal: every Vault has auth/token/, and a new auth
    // method whose path is a prefix of (or under) an existing one gets 409 "path is already in use at token/".
    issue(["kubernetesAuth", "path"], 'every Vault already has the token auth method at "token/": enabling Kubernetes auth there fails with "path is already in use". Fix: use e.g. "kubernetes"');
  }
  if (scheme(c.kubernetesAuth.host) === "http:") {
    issue(["kubernetesAuth", "host"], 'the Kubernetes API is always served over https. Fix: use the "server:" URL from your kubeconfig');
  }
  const generation = c.kubernetesAuth.reviewerTokenGeneration;
  if (generation !== undefined && c.kubernetesAuth.tokenReview !== "reviewerServiceAccount") {
    issue(["kubernetesAuth", "reviewerTokenGeneration"], 'only the reviewer service account\'s token is rotated this way (kubernetesAuth.tokenReview "reviewerServiceAccount"); with "clientJwt" there is no long-lived token. Fix: remove it');
  } else if (generation !== undefined && c.reviewerJwt !== undefined) {
    issue(["kubernetesAuth", "reviewerTokenGeneration"], "a reviewer JWT you bring (vault-eso:reviewerJwt) is not a token this stack creates. Fix: remove reviewerTokenGeneration and rotate with pulumi config set --secret vault-eso:reviewerJwt <new JWT>, then pulumi up (docs/operations.md)");
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
  for (const p of kvOptionProblems(c.kv)) issue(["kv", p.field], p.message);
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
      label: (i) => tenantLabel(i, origins),
      mount: c.kv.path,
    },
    issue,
  );
  const pss = podSecurityFinding(c.tenancy.podSecurity, c.environment, c.tenancy.acknowledgeWeakPodSecurity);
  if (pss?.severity === "error") issue(["tenancy", "podSecurity"], pss.message);
  checkShards(
    c.shards,
    {
      thisStack,
      ownTenants: c.tenants.map((t) => t.name),
      mode: c.tenancy.mode,
      policyMode: c.tenancy.policy,
      authPath: c.kubernetesAuth.path,
      ownVaultObjects: c.tenants.map((t) => ({ tenant: t.name, keys: tenantVaultObjectKeys({ name: t.name, policyMode: c.tenancy.policy, authPath: c.kubernetesAuth.path, push: t.push !== undefined, writers: t.writers }) })),
    },
    issue,
  );
  checkTls(c.tls, { environment: c.environment, hasCaCert: !!(c.vault.caCert || c.vault.caCertFile), serverForEso, skipTlsVerify: c.vault.skipTlsVerify }, issue);
  checkObservability(c.observability, issue);
  checkAudit(c.audit, c.environment, issue);
  checkNetwork(c.networkPolicies, issue);
  checkPush(c.tenants, c.tenancy.mode, issue);
  checkWriters(c.tenants, issue);
  checkVaultObjects(c.tenants, c.tenancy.policy, c.kubernetesAuth.path, issue);
  checkReloader(c.reloader, c.tenants, issue);
  const auditDevices = effectiveAuditDevices(c.audit, c.environment);
  checkAdopt(
    c.adopt,
    {
      names: managedVaultNames({ ...c, auditDevicePaths: auditDevices.map((d) => d.path ?? d.type) }),
      kvDescriptionSet: c.kv.description !== undefined,
      authDescriptionSet: c.kubernetesAuth.description !== undefined,
      auditDescriptionsSet: new Set(auditDevices.filter((d) => d.description !== undefined).map((d) => d.path ?? d.type)),
      kvPath: c.kv.path,
      authPath: c.kubernetesAuth.path,
    },
    issue,
  );
  if (c.store.namespaceSelector && Object.keys(c.store.namespaceSelector).length === 0) {
    issue(["store", "namespaceSelector"], "an empty selector matches every namespace. Fix: give at least one label, or use allowAllNamespaces: true");
  }
};

/**
 * Namespaces the platform itself uses; no tenant may take them (also published to tenant stacks):
 * ESO's, the reviewer's, the renewer's, cert-manager's and Vault's (cert-manager trust: the server
 * certificate's namespace), Prometheus' and the dashboard's (Vault metrics), Reloader's.
 */
export function platformNamespaces(c: {
  readonly eso: { readonly namespace: string };
  readonly kubernetesAuth: { readonly tokenReview: string; readonly reviewerNamespace: string };
  readonly tokenAuth: { readonly enabled: boolean; readonly namespace: string };
  readonly tls: { readonly certManager: { readonly enabled: boolean; readonly install: boolean; readonly namespace: string; readonly server?: { readonly namespace: string } } };
  readonly reloader: { readonly enabled: boolean; readonly namespace: string };
  readonly observability?: { readonly vaultMetrics: { readonly enabled: boolean; readonly namespace: string; readonly dashboardNamespace?: string } };
}): string[] {
  const out = [c.eso.namespace];
  if (c.kubernetesAuth.tokenReview === "reviewerServiceAccount") out.push(c.kubernetesAuth.reviewerNamespace);
  if (c.tokenAuth.enabled) out.push(c.tokenAuth.namespace);
  // cert-manager runs in the cluster whether or not this stack installs it.
  if (c.tls.certManager.enabled) out.push(c.tls.certManager.namespace, ...(c.tls.certManager.server ? [c.tls.certManager.server.namespace] : []));
  if (c.reloader.enabled) out.push(c.reloader.namespace);
  const m = c.observability?.vaultMetrics;
  if (m?.enabled) out.push(m.namespace, ...(m.dashboardNamespace ? [m.dashboardNamespace] : []));
  return [...new Set(out)];
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
  /** `options`: the mount's KV config (`kv.maxVersions`, `kv.casRequired`, `kv.deleteVersionAfter`), undefined when none is set. */
  readonly kv: { readonly path: string; readonly scope: string; readonly description: string; readonly options?: KvMountOptions };
  readonly kubernetesAuth: {
    readonly path: string;
    readonly description: string;
    readonly host: string;
    readonly vaultRunsIn: VaultLocation;
    /** PEM CA of the API server (from caCert or the content of caCertFile). */
    readonly caCertPem?: string;
    readonly caCertFile?: string;
    readonly issuer?: string;
    readonly disableIssValidation?: boolean;
    /** What Vault is sent (the default applied). */
    readonly disableLocalCaJwt: boolean;
    /** Whether the user set disableLocalCaJwt (for the system-roots warning). */
    readonly disableLocalCaJwtSet: boolean;
    readonly tokenReview: TokenReviewMode;
    readonly apiAudiences: readonly string[];
    readonly reviewerNamespace: string;
    /** Rotation generation of the reviewer's token Secret (1 unless raised). */
    readonly reviewerTokenGeneration: number;
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
  /** Existing Vault objects to import instead of create (docs/adopting.md). */
  readonly adopt: AdoptConfig;
  /** Stakater Reloader for tenants with `reloader: true` (docs/reloader.md). */
  readonly reloader: ReloaderConfig;
  /** Tenant stacks and the tenants each owns (`vault-eso:shards`); empty without sharding. */
  readonly shards: ShardsConfig;
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
  /** Reads a file named in config (CA bundles, tenant files); paths are relative to the project directory. */
  readonly readFile: (path: string) => string;
  /** Lists a directory (for `tenantFiles`); undefined when it is not one. Default: no directories. */
  readonly listDir?: TenantFileSystem["listDir"];
  /** This stack, `<org>/<project>/<stack>` (to refuse a shard naming the platform itself). */
  readonly stack?: string;
}

/**
 * `vault-eso:tenantFiles` read into `input.tenants` (after the inline ones);
 * returns each tenant's file (undefined for inline tenants).
 */
function mergeTenantFiles(input: Record<string, unknown>, options: ParseOptions, problems: ConfigProblem[]): Array<TenantOrigin | undefined> {
  const inline = Array.isArray(input.tenants) ? input.tenants : input.tenants === undefined ? [] : undefined;
  const origins: Array<TenantOrigin | undefined> = inline ? inline.map(() => undefined) : [];
  const spec = input.tenantFiles;
  const entries = typeof spec === "string" ? [spec] : Array.isArray(spec) && spec.every((e) => typeof e === "string" && e.length > 0) ? (spec as string[]) : undefined;
  if (!entries || !inline) return origins; // a bad tenantFiles / tenants value is reported by the schema
  // An entry outside the project is reported by the schema (projectPath), once.
  const read = readTenantFiles(entries.filter((e) => configPathProblem(e) === undefined), { readFile: options.readFile, listDir: options.listDir ?? (() => undefined) });
  for (const p of read.problems) problems.push({ key: `${PROJECT}:tenantFiles`, value: p.value, message: p.message });
  input.tenants = [...inline, ...read.tenants];
  return [...origins, ...read.origins];
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
  // A secret anywhere else is refused, and reported alone: validating a secret section
  // would echo its values in the messages of its other problems.
  const misplaced = misplacedSecrets(rawConfig, options.secretKeys);
  if (misplaced.length > 0) throw new ConfigError([...problems, ...misplaced]);
  if (`${PROJECT}:platform` in rawConfig) {
    throw new ConfigError([{ key: `${PROJECT}:platform`, value: JSON.stringify(input.platform), message: "makes this a tenant stack, which parseTenantStackConfig reads. Fix: load the config with loadStack()" }]);
  }

  const origins = mergeTenantFiles(input, options, problems);
  const parsed = configSchema.superRefine(crossChecks(origins, options.stack)).safeParse(input);
  if (!parsed.success) {
    for (const iss of parsed.error.issues) problems.push(...describeIssue(iss, input, options.secretKeys, configSchema, origins));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const raw = parsed.data;
  const caCertPem = resolveCaFile("vault", raw.vault.caCert, raw.vault.caCertFile, options, problems);
  const k8sCaPem = resolveCaFile("kubernetesAuth", raw.kubernetesAuth.caCert, raw.kubernetesAuth.caCertFile, options, problems);
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
    kv: { path: raw.kv.path, scope: raw.kv.scope, description: raw.kv.description ?? KV_MOUNT_DESCRIPTION, options: resolveKvOptions(raw.kv) },
    kubernetesAuth: {
      path: raw.kubernetesAuth.path,
      description: raw.kubernetesAuth.description ?? KUBERNETES_AUTH_DESCRIPTION,
      host: raw.kubernetesAuth.host,
      vaultRunsIn: raw.kubernetesAuth.vaultRunsIn,
      caCertPem: k8sCaPem,
      caCertFile: raw.kubernetesAuth.caCertFile,
      issuer: raw.kubernetesAuth.issuer,
      disableIssValidation: raw.kubernetesAuth.disableIssValidation,
      disableLocalCaJwt: effectiveDisableLocalCaJwt({ ...raw.kubernetesAuth, hasCaCert: !!k8sCaPem }),
      disableLocalCaJwtSet: raw.kubernetesAuth.disableLocalCaJwt !== undefined,
      tokenReview: raw.kubernetesAuth.tokenReview,
      apiAudiences: raw.kubernetesAuth.apiAudiences,
      reviewerNamespace: raw.kubernetesAuth.reviewerNamespace,
      reviewerTokenGeneration: raw.kubernetesAuth.reviewerTokenGeneration ?? 1,
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
    adopt: raw.adopt,
    reloader: raw.reloader,
    shards: raw.shards ?? {},
  };
  const secrets: ConfigSecrets = {};
  if (raw.vaultToken !== undefined) secrets.vaultToken = raw.vaultToken;
  if (raw.reviewerJwt !== undefined) secrets.reviewerJwt = raw.reviewerJwt;
  return { config, secrets };
}

// ---------------------------------------------------------------- tenant stacks (docs/sharding.md)

const tenantStackSchema = z.strictObject({
  /** The platform stack whose `tenantContract` output this stack builds on. */
  platform: stackRef("vault-eso:platform"),
  tenants: z.array(tenantSchema).default([]),
  tenantFiles: z.union([projectPath("a tenantFiles entry"), z.array(projectPath("a tenantFiles entry")).min(1)]).optional(),
  /** Where this stack's Pulumi reaches Vault, and its CA file. Default: the platform's `vault.address`, system roots. */
  vault: z
    .strictObject({
      address: url("the Vault address").optional(),
      caCertFile: projectPath("vault.caCertFile").optional(),
    })
    .prefault({}),
  vaultToken: z.string().min(1).optional(),
});

/** A tenant stack's own config: which platform, its tenants (not yet checked against the platform). */
export interface TenantStackConfig {
  readonly platform: string;
  readonly tenants: readonly TenantConfig[];
  /** Where each tenant came from (undefined: inline in `vault-eso:tenants`). */
  readonly origins: ReadonlyArray<TenantOrigin | undefined>;
  readonly vault: { readonly address?: string; readonly caCertFile?: string };
}

/** True when the stack config names a platform stack: the program builds a tenant shard. */
export function isTenantStack(rawConfig: Readonly<Record<string, string>>): boolean {
  return `${PROJECT}:platform` in rawConfig;
}

/** Validates a tenant stack's config (everything that does not need the platform); throws `ConfigError`. */
export function parseTenantStackConfig(rawConfig: Readonly<Record<string, string>>, options: ParseOptions): { config: TenantStackConfig; secrets: ConfigSecrets } {
  const input: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [fullKey, value] of Object.entries(rawConfig)) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    input[fullKey.slice(PROJECT.length + 1)] = decodeValue(value);
  }
  if (`${PROJECT}:vaultToken` in rawConfig && !options.secretKeys.has(`${PROJECT}:vaultToken`)) {
    problems.push({ key: `${PROJECT}:vaultToken`, value: "[secret]", message: `is stored in plain text in the stack file. Fix: pulumi config rm ${PROJECT}:vaultToken && pulumi config set --secret ${PROJECT}:vaultToken <value>` });
  }
  const misplaced = [...options.secretKeys].filter((k) => k.startsWith(`${PROJECT}:`) && k !== `${PROJECT}:vaultToken` && k in rawConfig);
  for (const k of misplaced) problems.push({ key: k, value: "[secret]", message: `holds a secret value; the only credential of a tenant stack is ${PROJECT}:vaultToken. Fix: set it in plain text` });
  if (misplaced.length > 0) throw new ConfigError(problems);
  const origins = mergeTenantFiles(input, options, problems);
  const parsed = tenantStackSchema.safeParse(input);
  if (!parsed.success) {
    for (const iss of parsed.error.issues) {
      for (const p of describeIssue(iss, input, options.secretKeys, tenantStackSchema, origins)) {
        problems.push(iss.code === "unrecognized_keys" && iss.path.length === 0 ? { ...p, message: `${p.message.split(". Fix:")[0]} in a tenant stack (the platform stack "${String(input.platform)}" holds the platform settings). Fix: remove it, or use one of: ${Object.keys(tenantStackSchema.shape).join(", ")}` } : p);
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const raw = parsed.data;
  if (raw.vault.caCertFile !== undefined) {
    try {
      const p = pemProblem(options.readFile(raw.vault.caCertFile));
      if (p) problems.push({ key: `${PROJECT}:vault.caCertFile`, value: JSON.stringify(raw.vault.caCertFile), message: `the file ${p}` });
    } catch (e) {
      problems.push({ key: `${PROJECT}:vault.caCertFile`, value: JSON.stringify(raw.vault.caCertFile), message: readFailure(e) });
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }
  const secrets: ConfigSecrets = raw.vaultToken !== undefined ? { vaultToken: raw.vaultToken } : {};
  return { config: { platform: raw.platform, tenants: raw.tenants, origins, vault: raw.vault }, secrets };
}

/** Two tenants of this stack writing one Vault object (names as Vault stores them): refused on the later one, naming both. */
function checkVaultObjects(tenants: readonly TenantConfig[], policyMode: "perTenant" | "templated", authPath: string, issue: (path: (string | number)[], message: string) => void): void {
  const keyed = tenants.map((t) => ({ name: t.name, keys: tenantVaultObjectKeys({ name: t.name, policyMode, authPath, push: t.push !== undefined, writers: t.writers }) }));
  for (const c of vaultObjectClashes(keyed)) {
    const t = tenants[c.index];
    issue(["tenants", c.index, objectField(t.name, c.key)], `${describeVaultObjectKey(c.key)} of tenant "${t.name}" is also tenant "${c.other}"'s: a Vault write is an upsert, so one would take over the other's. Fix: rename one of the two tenants`);
  }
}

/**
 * A tenant stack's tenants checked against its platform's contract, before
 * anything registers: the same per-tenant rules as a platform stack, plus
 * ownership (`vault-eso:shards` of the platform). Throws `ConfigError`.
 */
export function resolveShardTenants(config: TenantStackConfig, contract: unknown, thisStack: string): { contract: TenantContract; tenants: ReadonlyArray<TenantConfig & { readonly subtree: string }> } {
  const bad = contractProblem(contract, config.platform);
  if (bad) throw new ConfigError([{ key: `${PROJECT}:platform`, value: JSON.stringify(config.platform), message: bad }]);
  const c = contract as TenantContract;
  const problems: ConfigProblem[] = [];
  const key = (path: (string | number)[]) => {
    const p = path.map(String);
    const origin = p[0] === "tenants" && /^\d+$/.test(p[1] ?? "") ? config.origins[Number(p[1])] : undefined;
    return origin ? fileFieldKey(origin, p.slice(2)) : fullKeyName(p);
  };
  const valueAtPath = (path: (string | number)[]) => {
    const p = path.map(String);
    const v = valueAt(p, { tenants: config.tenants });
    if (v === undefined) return "(unset)";
    return p[0] === "tenants" && config.origins[Number(p[1])] ? redactedExcerpt(v) : shortJson(v);
  };
  const issue = (path: (string | number)[], message: string) => problems.push({ key: key(path), value: valueAtPath(path), message });
  const subtreeOf = (name: string) => tenantSubtree(c.tenancy, c.environment, name);
  for (const p of shardProblems(thisStack, c, config.tenants.map((t) => ({
      name: t.name,
      path: t.path,
      hasPush: t.push !== undefined,
      hasWriters: t.writers !== undefined,
      vaultObjects: tenantVaultObjectKeys({ name: t.name, policyMode: c.tenancy.policy, authPath: c.kubernetesAuth.path, push: t.push !== undefined }),
    })), subtreeOf)) {
    issue(["tenants", p.index, p.field], p.message);
  }
  checkTenants(
    config.tenants,
    { platformNamespaces: c.reservedNamespaces, subtreeOf: (t) => t.path ?? subtreeOf(t.name), esoScope: c.kv.esoScope, policyMode: c.tenancy.policy, mode: c.tenancy.mode, label: (i) => tenantLabel(i, config.origins), mount: c.kv.path },
    issue,
  );
  checkPush(config.tenants, c.tenancy.mode, issue);
  checkVaultObjects(config.tenants, c.tenancy.policy, c.kubernetesAuth.path, issue);
  // One problem per key and message (ownership and the reserved-name rule can both name a tenant).
  const unique = [...new Map(problems.map((p) => [`${p.key}\n${p.message}`, p])).values()];
  if (unique.length > 0) throw new ConfigError(unique);
  return { contract: c, tenants: config.tenants.map((t) => ({ ...t, subtree: subtreeOf(t.name) })) };
}

function resolveCaFile(section: "vault" | "kubernetesAuth", inline: string | undefined, file: string | undefined, options: ParseOptions, problems: ConfigProblem[]): string | undefined {
  if (file === undefined) return inline;
  const key = `${PROJECT}:${section}.caCertFile`;
  let text: string;
  try {
    text = options.readFile(file);
  } catch (e) {
    const hint = section === "kubernetesAuth" && !(e instanceof ProjectFileError) ? `; write the cluster's CA there (kind: kubectl config view --raw --minify --context kind-vault-eso -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d > ${file})` : "";
    problems.push({ key, value: JSON.stringify(file), message: `${readFailure(e)}${hint}` });
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

function describeIssue(iss: z.core.$ZodIssue, input: Record<string, unknown>, secretKeys: ReadonlySet<string>, schema: z.ZodType, origins: ReadonlyArray<TenantOrigin | undefined> = []): ConfigProblem[] {
  const show = (p: readonly string[]) => showValue(p, input, secretKeys, origins);
  const path = iss.path.map(String);
  // A tenant read from a file is named by its file and field, not by its place in the merged list.
  const keyName = (p: readonly string[]) => {
    const origin = p[0] === "tenants" && /^\d+$/.test(p[1] ?? "") ? origins[Number(p[1])] : undefined;
    return origin ? fileFieldKey(origin, p.slice(2)) : fullKeyName(p);
  };
  if (iss.code === "unrecognized_keys") {
    return iss.keys.map((k) => {
      const keyPath = [...path, k];
      const known = knownKeys(path, input, schema);
      return {
        key: keyName(keyPath),
        value: show(keyPath),
        message: `is not a known setting${closest(k, known)}. Fix: remove it or use one of: ${known.join(", ")}`,
      };
    });
  }
  if (iss.code === "invalid_union" && iss.errors.length > 0) {
    const union = unionProblems(iss, path, input, show);
    if (union && "problems" in union) return union.problems;
    if (union) return union.issues.flatMap((sub) => describeIssue(sub, input, secretKeys, schema, origins));
  }
  let message = iss.message;
  // A record key refused by its own check (e.g. a template.data key): zod says "Invalid key in record"; say why.
  if (iss.code === "invalid_key" && iss.issues.length > 0) message = iss.issues[0].message;
  if (iss.code === "invalid_type") {
    const got = valueAt(path, input);
    message =
      got === undefined
        ? `is required (${iss.expected}). Fix: set it in Pulumi.<stack>.yaml (see ${CONFIG_REFERENCE})`
        : `must be ${article(iss.expected)}, not ${describeType(got)}. Fix: set it as a YAML ${iss.expected} in ${keyName(path).includes(": ") ? "the tenant file" : "Pulumi.<stack>.yaml"}`;
  } else if (iss.code === "invalid_value" && !message.includes("Fix:")) {
    message = `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(", ")}. Fix: pick one of them`;
  } else if (!message.includes("Fix:")) {
    message = `${message}. Fix: see ${CONFIG_REFERENCE}`;
  }
  // A check that quotes the value it refused must not quote it from a tenant file.
  const got = valueAt(path, input);
  const fromFile = path[0] === "tenants" && origins[Number(path[1])] !== undefined;
  if (fromFile && typeof got === "string" && got.length >= 6) message = message.split(got).join("[redacted]");
  return [{ key: keyName(path), value: show(path), message }];
}

/** Where the generated configuration reference lives (npm run docs:config). */
export const CONFIG_REFERENCE = "docs/configuration.md";

/**
 * A value matching no branch of a union (e.g. `dataFrom[]`: `{extract}` or `{find}`): zod says only
 * "Invalid input". The branch the value was meant for (by discriminator, else by the keys it shares with
 * the value) reports its own issues, paths made absolute; with no such branch, each key is judged against
 * every branch's keys (with the "did you mean" hint), or the value is told to give exactly one of them.
 */
function unionProblems(iss: z.core.$ZodIssueInvalidUnion, path: readonly string[], input: Record<string, unknown>, show: (p: readonly string[]) => string): { issues: z.core.$ZodIssue[] } | { problems: ConfigProblem[] } | undefined {
  const schema = schemaAt(path, input);
  const options = schema ? unionOptions(schema) : undefined;
  if (!options || options.length !== iss.errors.length) return undefined;
  const value = valueAt(path, input);
  const pick = pickBranch(schema!, value);
  if (pick !== undefined) {
    return { issues: iss.errors[pick].map((sub) => ({ ...sub, path: [...iss.path, ...sub.path] }) as z.core.$ZodIssue) };
  }
  const branchKeys = options.map((o) => Object.keys(objectShape(o) ?? {}));
  const all = [...new Set(branchKeys.flat())];
  if (all.length === 0) return undefined;
  const key = fullKeyName(path);
  const one = branchKeys.map((ks) => ks.join("+")).join(" or ");
  if (!isPlainObject(value)) {
    return { problems: [{ key, value: show(path), message: `must be a map with ${one}. Fix: e.g. ${branchKeys[0][0]}: {...}` }] };
  }
  const present = Object.keys(value).filter((k) => all.includes(k));
  if (present.length > 1) {
    return { problems: [{ key, value: show(path), message: `gives ${present.join(" and ")}: an entry takes exactly one of ${one}. Fix: split it into one entry per ${present.join("/")}` }] };
  }
  const unknown = Object.keys(value).filter((k) => !all.includes(k));
  if (unknown.length === 0) {
    return { problems: [{ key, value: show(path), message: `needs ${one}. Fix: add one of: ${all.join(", ")}` }] };
  }
  return {
    problems: unknown.map((k) => ({
      key: fullKeyName([...path, k]),
      value: show([...path, k]),
      message: `is not a known setting${closest(k, all)}. Fix: remove it or use one of: ${all.join(", ")}`,
    })),
  };
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

/**
 * The value at `path` for a message; "[secret]" under a credential key or any key Pulumi holds as a secret;
 * a PEM (`caCert`) is never shown; a value read from a tenant file (`origins`) only as a short redacted excerpt.
 */
function showValue(path: readonly string[], input: Record<string, unknown>, secretKeys: ReadonlySet<string>, origins: ReadonlyArray<TenantOrigin | undefined> = []): string {
  if (path.length > 0 && ((SECRET_KEYS as readonly string[]).includes(path[0]) || secretKeys.has(`${PROJECT}:${path[0]}`))) return "[secret]";
  const v = valueAt(path, input);
  if (v === undefined) return "(unset)";
  if (path[path.length - 1] === "caCert" && typeof v === "string") return `(PEM text, ${v.length} characters, not shown)`;
  if (path[0] === "tenants" && /^\d+$/.test(path[1] ?? "") && origins[Number(path[1])]) return redactedExcerpt(v);
  return shortJson(v);
}

function shortJson(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** The keys a map at `path` accepts: the schema is walked along the path, through lists and unions (the branch the input value picks). */
function knownKeys(path: readonly string[], input: Record<string, unknown>, root: z.ZodType = configSchema): string[] {
  const schema = schemaAt(path, input, root);
  if (!schema) return [];
  const resolved = resolveBranch(schema, valueAt(path, input));
  const shape = objectShape(resolved);
  if (shape) return Object.keys(shape);
  const options = unionOptions(resolved);
  return options ? [...new Set(options.flatMap((o) => Object.keys(objectShape(o) ?? {})))] : [];
}

interface WalkDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
  readonly valueType?: z.ZodType;
  readonly values?: readonly unknown[];
}

function defOf(schema: z.ZodType): WalkDef {
  return (schema as unknown as { _zod: { def: WalkDef } })._zod.def;
}

/** Without default/prefault/optional/nullable/readonly/catch wrappers and pipes. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const d = defOf(s);
    const next = d.innerType ?? (d.type === "pipe" ? d.in : undefined);
    if (!next) return s;
    s = next;
  }
  return s;
}

/** The schema of the value at `path` of the input, or undefined when the path leaves the schema. */
function schemaAt(path: readonly string[], input: unknown, root: z.ZodType = configSchema): z.ZodType | undefined {
  let schema: z.ZodType = root;
  let value: unknown = input;
  for (const seg of path) {
    const s = resolveBranch(schema, value);
    const d = defOf(s);
    if (d.type === "array" && d.element && /^\d+$/.test(seg)) schema = d.element;
    else if (d.type === "object" && d.shape && seg in d.shape) schema = d.shape[seg];
    else if (d.type === "record" && d.valueType) schema = d.valueType;
    else return undefined;
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[seg] : undefined;
  }
  return schema;
}

/** Unwrapped; for a union, the branch `value` was meant for when one can be told. */
function resolveBranch(schema: z.ZodType, value: unknown): z.ZodType {
  const s = unwrap(schema);
  const options = unionOptions(s);
  if (!options) return s;
  const pick = pickBranch(s, value);
  return pick === undefined ? s : unwrap(options[pick]);
}

function unionOptions(schema: z.ZodType): readonly z.ZodType[] | undefined {
  const d = defOf(unwrap(schema));
  return d.type === "union" ? d.options : undefined;
}

/** The union branch a map value belongs to: by discriminator value, else the one branch sharing most keys with it. */
function pickBranch(union: z.ZodType, value: unknown): number | undefined {
  const options = unionOptions(union) ?? [];
  if (!isPlainObject(value)) return undefined;
  const disc = defOf(unwrap(union)).discriminator;
  if (disc !== undefined) {
    const i = options.findIndex((o) => {
      const field = objectShape(o)?.[disc];
      return field !== undefined && (defOf(unwrap(field)).values ?? []).includes(value[disc]);
    });
    return i >= 0 ? i : undefined;
  }
  const scores = options.map((o) => Object.keys(value).filter((k) => k in (objectShape(o) ?? {})).length);
  const best = Math.max(...scores);
  return best > 0 && scores.filter((x) => x === best).length === 1 ? scores.indexOf(best) : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const d = defOf(unwrap(schema));
  return d.type === "object" ? d.shape : undefined;
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

/**
 * Secrets outside the two credential keys. The Pulumi engine marks a whole
 * top-level key secret when any leaf inside it is `secure:` and hands the
 * program the decrypted JSON (pulumi/pulumi sdk/go/common/resource/config
 * value.go `unmarshalValue`/`hasSecureValue`, map.go `SecureKeys`), so the
 * program cannot tell which leaf was meant to be secret. No setting in a
 * section is a credential: names, URLs, CA certificates and ExternalSecret
 * templates end up in plain sight anyway (resource names, URNs, objects in the
 * cluster). Keeping a whole section secret would hide every one of them, and
 * treating it as plain would write the secret unmarked into resource inputs
 * and state: refuse it, say where secrets belong.
 */
function misplacedSecrets(rawConfig: Readonly<Record<string, string>>, secretKeys: ReadonlySet<string>): ConfigProblem[] {
  const known = new Set(knownKeys([], {}));
  const out: ConfigProblem[] = [];
  for (const fullKey of [...secretKeys].sort()) {
    if (!fullKey.startsWith(`${PROJECT}:`) || !(fullKey in rawConfig)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    if ((SECRET_KEYS as readonly string[]).includes(key)) continue;
    if (!known.has(key)) {
      out.push({ key: fullKey, value: "[secret]", message: `is not a known setting. Fix: pulumi config rm ${fullKey}` });
      continue;
    }
    const where =
      key === "tenants"
        ? "A value an ExternalSecret template needs is a secret for Vault, not for this config: a template is written in plain text into the ExternalSecret object in the cluster. Put it in Vault under the tenant's subtree and read it with data[].remoteRef"
        : "Nothing under it is a credential (CA certificates are public)";
    out.push({
      key: fullKey,
      value: "[secret]",
      message:
        `holds a secret value ("secure:" somewhere inside it), so Pulumi hands the program the whole section as one secret and it would land unmarked in resource inputs and state. ${where}. ` +
        `Fix: set that value in plain text (pulumi config set --path '${fullKey}.<path>' <value>, without --secret); the program's only credentials are ${SECRET_KEYS.map((k) => `${PROJECT}:${k}`).join(" and ")} (pulumi config set --secret)`,
    });
  }
  return out;
}
