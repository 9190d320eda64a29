/**
 * Local stand-ins for what `npm run verify` talks to, on 127.0.0.1: the
 * Kubernetes API (ESO objects by path, TokenRequest) and Vault (health,
 * Kubernetes-auth login, sys/capabilities-self, revoke-self), following the
 * upstream rules modelled in test/contracts/models/verify-apis.ts. The Vault
 * stand-in evaluates each token's policies with policies/vault/acl.ts and its
 * own auth mount accessor; `tamper` makes it answer differently.
 */
import * as fs from "fs";
import { storeTokenAudiences } from "../../components/vault-backend/kubernetes-auth";
import { randomBytes } from "crypto";
import type * as http from "http";
import type { PlatformConfig } from "../../components/config/config";
import { clusterSecretStoreSpec } from "../../components/eso/eso";
import { storeConditions, trustPlan } from "../../components/stores/store-plan";
import { tenantSecretStoreSpec, tenantVaultName } from "../../components/tenants/tenant";
import { parseStackConfig } from "../../components/config/config";
import { compileAcl, IdentityContext, VAULT_DEFAULT_POLICY } from "../../policies/vault/acl";
import { parsePolicyHcl, renderPolicyHcl } from "../../policies/vault/hcl";
import { readStackFile } from "../../scripts/lib/stack-file";
import type { VaultPolicy } from "../../policies/vault/model";
import { esoPolicies, loginIdentity, tenantPolicies } from "../../scripts/lib/verify/expected";
import { esoPath } from "../../scripts/lib/verify/kube";
import type { StackOutputs } from "../../scripts/lib/verify/run";
import { capabilitiesSelfAnswer, JwtClaims, kubernetesLoginDecision, RoleModel, tokenAudiences } from "../contracts/models/verify-apis";
import { ACCESSOR as ISOLATION_ACCESSOR, emittedTenants } from "./isolation";
import type { MockEngine } from "./mocks";
import { k8sObjects, vaultPolicies } from "./program";
import { expectedStoreFields, storeSpecProblems } from "../../scripts/lib/verify/stores";
import { StandIn } from "./renewer-standins";

type Answer = { status: number; json?: unknown };
const status = (code: number, reason: string, message: string): Answer => ({ status: code, json: { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code } });

export class KubeApiStandIn extends StandIn {
  readonly objects = new Map<string, any>();
  readonly serviceAccounts = new Set<string>();
  /** JWTs issued by TokenRequest, with their claims (what a TokenReview would confirm). */
  readonly issued = new Map<string, JwtClaims>();
  readonly calls: Array<{ method: string; path: string; body: any }> = [];
  readonly apiAudiences = ["https://kubernetes.default.svc.cluster.local"];
  constructor(readonly adminToken: string) {
    super();
  }

  protected handle(req: http.IncomingMessage, body: any): Answer {
    const path = req.url ?? "";
    this.calls.push({ method: req.method ?? "", path, body });
    if (req.headers.authorization !== `Bearer ${this.adminToken}`) return status(401, "Unauthorized", "Unauthorized");
    const tr = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/]+)\/token$/.exec(path);
    if (tr && req.method === "POST") {
      const [, ns, sa] = tr;
      if (!this.serviceAccounts.has(`${ns}/${sa}`)) return status(404, "NotFound", `serviceaccounts "${sa}" not found`);
      const token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString("base64url")}.sig`;
      this.issued.set(token, { namespace: ns, serviceAccount: sa, aud: tokenAudiences(body?.spec?.audiences, this.apiAudiences) });
      return { status: 201, json: { kind: "TokenRequest", apiVersion: "authentication.k8s.io/v1", spec: body?.spec, status: { token, expirationTimestamp: new Date(Date.now() + 600e3).toISOString() } } };
    }
    if (req.method === "GET" && this.objects.has(path)) return { status: 200, json: this.objects.get(path) };
    return status(404, "NotFound", `${path} not found`);
  }
}

interface Role extends RoleModel {
  readonly policies: readonly VaultPolicy[];
}

export class VaultStandIn extends StandIn {
  readonly roles = new Map<string, Role>();
  readonly tokens = new Map<string, { role: string; policies: readonly VaultPolicy[]; identity: IdentityContext; revoked: boolean }>();
  readonly logins: Array<{ role: string; status: number }> = [];
  sealed = false;
  /** `--deep`: the operator token, and what it reads (sys/policy/default, auth/<mount>/config, sys/audit). */
  adminToken?: string;
  defaultPolicy = renderPolicyHcl(VAULT_DEFAULT_POLICY);
  authConfig: Record<string, unknown> = { kubernetes_host: "https://10.0.0.1:443", disable_local_ca_jwt: false, token_reviewer_jwt_set: false };
  audit: Record<string, { type: string; local: boolean; path: string }> = {};
  /** Secrets that exist in the KV mount, by path below the mount (`acme/dev/team-a/db`). */
  readonly secrets = new Set<string>();
  /** Replaces Vault's answer for (role, path): a Vault whose policies differ from the proof's. */
  tamper?: (role: string, path: string, caps: string[]) => string[];
  constructor(readonly kube: KubeApiStandIn, readonly mount: string, readonly accessor: string) {
    super();
  }

  protected handle(req: http.IncomingMessage, body: any): Answer {
    const path = req.url ?? "";
    if (path.startsWith("/v1/sys/health")) return this.sealed ? { status: 503, json: { sealed: true } } : { status: 200, json: { initialized: true, sealed: false } };
    if (path === `/v1/auth/${this.mount}/login` && req.method === "POST") {
      const role = this.roles.get(String(body?.role));
      const claims = this.kube.issued.get(String(body?.jwt));
      const d = kubernetesLoginDecision(String(body?.role), role, claims);
      this.logins.push({ role: String(body?.role), status: d.status });
      if (d.status !== 200 || !role || !claims) return { status: d.status, json: { errors: [d.error] } };
      const token = `hvs.${randomBytes(18).toString("base64url")}`;
      this.tokens.set(token, { role: String(body.role), policies: role.policies, identity: loginIdentity(claims.namespace, claims.serviceAccount, this.accessor), revoked: false });
      return { status: 200, json: { auth: { client_token: token, accessor: "acc", policies: role.policies.map((p) => p.name), metadata: { role: body.role, service_account_namespace: claims.namespace, service_account_name: claims.serviceAccount } } } };
    }
    if (this.adminToken && req.headers["x-vault-token"] === this.adminToken && req.method === "GET") {
      // hashicorp/vault vault/logical_system.go (policy read: `rules`; handleAuditTable), path_config.go pathConfigRead, path_role.go.
      if (path === "/v1/sys/policy/default") return { status: 200, json: { data: { name: "default", rules: this.defaultPolicy } } };
      if (path === "/v1/sys/audit") return { status: 200, json: { data: this.audit } };
      if (path === `/v1/auth/${this.mount}/config`) return { status: 200, json: { data: this.authConfig } };
      if (path === `/v1/auth/${this.mount}/role/?list=true`) return this.roles.size ? { status: 200, json: { data: { keys: [...this.roles.keys()].sort() } } } : { status: 404, json: { errors: [] } };
      const role = path.startsWith(`/v1/auth/${this.mount}/role/`) ? this.roles.get(decodeURIComponent(path.slice(`/v1/auth/${this.mount}/role/`.length))) : undefined;
      if (role) return { status: 200, json: { data: { bound_service_account_names: role.boundServiceAccountNames, bound_service_account_namespaces: role.boundServiceAccountNamespaces, audience: role.audience, token_policies: role.policies.filter((p) => p.name !== "default").map((p) => p.name) } } };
      return { status: 404, json: { errors: [] } };
    }
    const t = this.tokens.get(String(req.headers["x-vault-token"] ?? ""));
    if (!t || t.revoked) return { status: 403, json: { errors: ["permission denied"] } };
    if (path === "/v1/sys/capabilities-self" && req.method === "POST") {
      const acl = compileAcl(t.policies, t.identity);
      const tampered = { capabilities: (p: string) => new Set(this.tamper ? this.tamper(t.role, p, [...acl.capabilities(p)]) : acl.capabilities(p)) } as Parameters<typeof capabilitiesSelfAnswer>[1];
      return capabilitiesSelfAnswer(body, tampered);
    }
    // LIST on the KV v2 metadata tree (hashicorp/vault http/logical.go: GET ?list=true is a list operation;
    // vault/acl.go AllowOperation: `list` on the folder path; builtin/logical/kv path_metadata.go: keys one level down).
    const listed = /^\/v1\/([^/]+)\/metadata\/(.*\/)?\?list=true$/.exec(path);
    if (listed && req.method === "GET") {
      const folderPath = `${listed[1]}/metadata/${listed[2] ?? ""}`;
      if (!compileAcl(t.policies, t.identity).capabilities(folderPath).has("list")) return { status: 403, json: { errors: ["1 error occurred:\n\t* permission denied\n\n"] } };
      const prefix = listed[2] ?? "";
      const keys = new Set<string>();
      for (const full of this.secrets) {
        if (!full.startsWith(prefix)) continue;
        const rest = full.slice(prefix.length);
        const slash = rest.indexOf("/");
        keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
      }
      return keys.size === 0 ? { status: 404, json: { errors: [] } } : { status: 200, json: { data: { keys: [...keys].sort() } } };
    }
    if (path === "/v1/auth/token/revoke-self" && req.method === "POST") {
      t.revoked = true;
      return { status: 204 };
    }
    return { status: 404, json: { errors: [] } };
  }
}

const ready = (reason: string) => ({ conditions: [{ type: "Ready", status: "True", reason, message: "ok", lastTransitionTime: "2026-11-29T00:00:00Z" }] });

/** Outputs as `pulumi stack output --json` gives them for a stack deployed from `config`. */
export function outputsFor(config: PlatformConfig, mount = "kubernetes"): StackOutputs {
  return {
    storeName: config.store.name,
    kvPath: config.kv.path,
    kubernetesAuthPath: mount,
    esoRole: config.eso.role,
    tenants: Object.fromEntries(
      config.tenants.map((t) => [t.name, { namespace: t.name, role: tenantVaultName(t.name), store: config.tenancy.storeName, subtree: t.subtree }]),
    ),
  };
}

/**
 * A healthy deployment of `config`: every store Ready (Valid), every
 * ExternalSecret synced, every PushSecret Ready, each service account known
 * to the API, each Vault role bound as the program binds it, with the
 * policies the program writes (resolved with this Vault's own accessor).
 */
export function deploy(config: PlatformConfig, kube: KubeApiStandIn, vault: VaultStandIn): void {
  const audience = config.kubernetesAuth.audience;
  // What the program makes every store request (components/vault-backend/kubernetes-auth.ts).
  const audiences = storeTokenAudiences(config.kubernetesAuth.tokenReview, audience, config.kubernetesAuth.apiAudiences);
  const server = config.vault.serverForEso;
  // The CA and conditions as components/platform.ts passes them (the stacks' CAs are inline bundles, or none).
  const plan = trustPlan(config);
  const ca = plan.mode === "caBundle" ? ({ kind: "bundle", pem: plan.pem } as const) : undefined;
  const auth = config.tokenAuth.enabled
    ? ({ kind: "token", secretRef: { name: config.tokenAuth.secretName, key: config.tokenAuth.secretKey, namespace: config.tokenAuth.namespace } } as const)
    : ({ kind: "kubernetes", mountPath: vault.mount, role: config.eso.role, serviceAccount: { name: config.eso.serviceAccountName, namespace: config.eso.namespace }, audiences } as const);
  const csSpec = clusterSecretStoreSpec({ server, mountPath: config.kv.path, namespace: config.vault.namespace, ca, auth }, config.store.allowAllNamespaces ? undefined : storeConditions(config));
  kube.objects.set(esoPath.clusterStore(config.store.name), { kind: "ClusterSecretStore", metadata: { name: config.store.name }, spec: csSpec, status: ready("Valid") });
  kube.serviceAccounts.add(`${config.eso.namespace}/${config.eso.serviceAccountName}`);
  kube.serviceAccounts.add(`${config.eso.namespace}/default`);
  vault.authConfig = { ...vault.authConfig, token_reviewer_jwt_set: config.kubernetesAuth.tokenReview !== "clientJwt" };
  vault.audit = Object.fromEntries((config.audit.devices ?? []).map((d) => [`${d.path ?? d.type}/`, { type: d.type, local: d.local, path: `${d.path ?? d.type}/` }]));
  if (!config.tokenAuth.enabled) {
    vault.roles.set(config.eso.role, { boundServiceAccountNames: [config.eso.serviceAccountName], boundServiceAccountNamespaces: [config.eso.namespace], audience, policies: esoPolicies(config) });
  }
  for (const t of config.tenants) {
    const sa = config.tenancy.serviceAccountName;
    kube.serviceAccounts.add(`${t.name}/${sa}`);
    const spec = tenantSecretStoreSpec({ server, kvPath: config.kv.path, authPath: vault.mount, role: tenantVaultName(t.name), serviceAccountName: sa, audiences, ca, vaultNamespace: config.vault.namespace });
    kube.objects.set(esoPath.store(t.name, config.tenancy.storeName), { kind: "SecretStore", metadata: { name: config.tenancy.storeName, namespace: t.name }, spec, status: ready("Valid") });
    // Synced a minute ago for their current generation (ESO: refreshTime, syncedResourceVersion "<generation>-<hash>").
    const synced = (reason: string) => ({ ...ready(reason), refreshTime: new Date(Date.now() - 60e3).toISOString(), syncedResourceVersion: "1-6b1f0c" });
    for (const es of t.externalSecrets) {
      kube.objects.set(esoPath.externalSecret(t.name, es.name), { kind: "ExternalSecret", metadata: { name: es.name, namespace: t.name, generation: 1 }, spec: { refreshInterval: "1h" }, status: synced("SecretSynced") });
      vault.secrets.add(`${t.subtree}/${es.name}`);
    }
    for (const ps of t.push?.secrets ?? []) kube.objects.set(esoPath.pushSecret(t.name, ps.name), { kind: "PushSecret", metadata: { name: ps.name, namespace: t.name, generation: 1 }, spec: { refreshInterval: "1h" }, status: synced("Synced") });
    vault.secrets.add(`${t.subtree}/nested/settings`);
    kube.serviceAccounts.add(`${t.name}/default`);
    vault.roles.set(tenantVaultName(t.name), { boundServiceAccountNames: [sa], boundServiceAccountNamespaces: [t.name], audience, policies: tenantPolicies(config, t, vault.accessor) });
  }
}

/**
 * Where verify's prediction (scripts/lib/verify/expected.ts, built from the
 * stack's config) differs from what the program registered under mocks for
 * that stack: each tenant role's policies (parsed from the emitted HCL, the
 * mock accessor swapped as in isolation.ts), the ESO role's, and every
 * store's spec fields verify compares with the live object. Empty when
 * verify predicts from exactly the policies `pulumi up` writes.
 */
export async function predictionDrift(engine: MockEngine, stack: string): Promise<string[]> {
  const { config: raw, secretKeys } = readStackFile(stack);
  const config = parseStackConfig(raw, { secretKeys: new Set(secretKeys), readFile: (p) => fs.readFileSync(p, "utf8") }).config;
  const out: string[] = [];
  const emitted = await emittedTenants(engine, config.kv.path);
  const show = (ps: readonly VaultPolicy[]) => JSON.stringify(ps.map((p) => ({ name: p.name, rules: p.rules })));
  for (const t of config.tenants) {
    const e = emitted.find((x) => x.name === t.name);
    if (!e) out.push(`${t.name}: no role emitted`);
    else if (show(e.policies) !== show(tenantPolicies(config, t, ISOLATION_ACCESSOR))) out.push(`${t.name}: emitted ${show(e.policies)}, predicted ${show(tenantPolicies(config, t, ISOLATION_ACCESSOR))}`);
  }
  const esoRole = engine.ofType("vault:kubernetes/authBackendRole:AuthBackendRole").find((r) => r.inputs.roleName === config.eso.role);
  const hcl = vaultPolicies(engine.resources).find((p) => p.name === config.eso.policy);
  if (!esoRole || !hcl) out.push("eso: role or policy not emitted");
  else {
    const parsed = [await parsePolicyHcl(hcl.name, hcl.policy), VAULT_DEFAULT_POLICY];
    if (JSON.stringify(esoRole.inputs.tokenPolicies) !== JSON.stringify([config.eso.policy])) out.push(`eso: role policies ${JSON.stringify(esoRole.inputs.tokenPolicies)}`);
    if (show(parsed) !== show(esoPolicies(config))) out.push(`eso: emitted ${show(parsed)}, predicted ${show(esoPolicies(config))}`);
  }
  // The live store specs verify expects (scripts/lib/verify/stores.ts) against the stores the program registers.
  for (const o of k8sObjects(engine.resources)) {
    if (o.kind !== "ClusterSecretStore" && o.kind !== "SecretStore") continue;
    const tenant = o.kind === "SecretStore" ? config.tenants.find((t) => t.name === o.metadata?.namespace) : undefined;
    const role = o.kind === "ClusterSecretStore" ? config.eso.role : tenant && tenantVaultName(tenant.name);
    const problems = storeSpecProblems(expectedStoreFields(config, { kind: o.kind, role, authPath: config.kubernetesAuth.path }), (o as { spec?: unknown }).spec);
    for (const p of problems) out.push(`${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}: ${p}`);
  }
  return out;
}
