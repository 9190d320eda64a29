/**
 * TokenRenewer under the mock engine: the Vault role, token and policy, the
 * Kubernetes objects (schema-validated), least-privilege RBAC, a CronJob pod
 * that passes Pod Security "restricted", and the script ConfigMap that is
 * byte-for-byte the script the behaviour tests run, run here once more with
 * the CronJob's own environment.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installMocks, secretInput, valueOf } from "./helpers/mocks";
import { TokenRenewer } from "../components/token-renewer/token-renewer";
import { bootstrapLifetimeSeconds, TOKEN_SECRET_OPTIONS, tokenRenewerPolicy, vaultDuration } from "../components/token-renewer/renewer-builders";
import { RENEWER_JOB_TIMING } from "../components/token-renewer/token-auth-config";
import { rbacAllows } from "../policies/k8s/rbac";
import { k8sObjects } from "./helpers/program";
import { parsePolicyHcl, validateK8sObject } from "./helpers/schemas";
import { restrictedViolations } from "./helpers/pod-security";
import { examplePem } from "./helpers/fixtures";
import { revealSecrets } from "./helpers/reveal";
import { KubeStandIn, runScript, VaultStandIn } from "./helpers/renewer-standins";

const engine = installMocks("renewer");
const SCRIPT = path.resolve("components/token-renewer/renew.mjs");
const mine = (prefix: string) => engine.resources.filter((r) => r.name.startsWith(prefix));
let renewer: TokenRenewer;

beforeAll(async () => {
  renewer = new TokenRenewer("tr", { readPolicies: ["external-secrets-read"], vaultAddress: "https://vault.example.com:8200", vaultCaPem: examplePem() });
  new TokenRenewer("custom", {
    readPolicies: ["eso-read"],
    vaultAddress: "http://vault:8200",
    vaultNamespace: "admin/team",
    namespace: "vault-creds",
    secretName: "eso-token",
    secretKey: "vault-token",
    role: "eso-token",
    policy: "eso-token-renewer",
    periodSeconds: 30 * 86400,
    explicitMaxTtlSeconds: 90 * 86400,
    rotateBeforeSeconds: 10 * 86400,
    schedule: "0 3 * * *",
    image: "registry.example.com/node:24.11.1-alpine3.22",
  });
  await engine.settle();
});

test("registers the role, token, policy and the Kubernetes objects, all under the component", () => {
  expect(mine("tr-").map((r) => `${r.type} ${r.name}`).sort()).toEqual(
    [
      "vault:index/policy:Policy tr-policy",
      "vault:tokenauth/authBackendRole:AuthBackendRole tr-role",
      "vault:index/token:Token tr-token",
      "kubernetes:core/v1:Namespace tr-ns",
      "kubernetes:core/v1:Secret tr-secret",
      "kubernetes:core/v1:ServiceAccount tr-sa",
      "kubernetes:rbac.authorization.k8s.io/v1:Role tr-rbac",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding tr-rbac-binding",
      "kubernetes:core/v1:ConfigMap tr-script",
      "kubernetes:batch/v1:CronJob tr-cronjob",
      "kubernetes:core/v1:Secret tr-bootstrap-secret",
      "kubernetes:batch/v1:Job tr-bootstrap",
    ].sort(),
  );
});

test("the token role: orphan, renewable, periodic, explicit max TTL, exactly the two policies and never 'default'", () => {
  expect(engine.named("tr-role").inputs).toMatchObject({
    roleName: "external-secrets-token",
    allowedPolicies: ["external-secrets-read", "external-secrets-token-renewer"],
    disallowedPolicies: ["default"],
    tokenNoDefaultPolicy: true,
    orphan: true,
    renewable: true,
    tokenPeriod: 7 * 86400,
    tokenExplicitMaxTtl: 30 * 86400,
  });
  expect(engine.named("custom-role").inputs).toMatchObject({ roleName: "eso-token", tokenPeriod: 30 * 86400, tokenExplicitMaxTtl: 90 * 86400 });
});

test("the bootstrap token is issued through the role without a period (Vault needs sudo for one), short-lived, retained on delete, a secret end to end", async () => {
  const inputs = engine.named("tr-token").inputs;
  expect(inputs).toMatchObject({
    roleName: "external-secrets-token",
    policies: ["external-secrets-read", "external-secrets-token-renewer"],
    noDefaultPolicy: true,
    renewable: true,
    // two 12-hour gaps + the Job's 35 minutes of deadlines
    explicitMaxTtl: vaultDuration(2 * 43200 + 2100),
  });
  expect(inputs.period).toBeUndefined();
  expect(engine.named("tr-token").retainOnDelete).toBe(true);
  expect(engine.named("custom-token").inputs).toMatchObject({ explicitMaxTtl: vaultDuration(bootstrapLifetimeSeconds("0 3 * * *")) });
  expect(bootstrapLifetimeSeconds("0 3 * * *")).toBe(2 * 86400 + 2100);
  // The bootstrap Secret gets the same token; the Job carries its accessor (a new token: a new Job).
  const boot = secretInput(engine.named("tr-bootstrap-secret").inputs.data) as Record<string, string>;
  expect(Buffer.from(boot.token, "base64").toString("utf8")).toBe("hvs.mock-tr-token");
  const job = engine.named("tr-bootstrap").inputs.spec;
  expect(job.template.metadata.annotations).toEqual({ "vault-eso.io/bootstrap-accessor": "tr-token-id" });
  expect(job.template.spec.containers[0].env).toContainEqual({ name: "BOOTSTRAP_SECRET_NAME", value: "vault-token-bootstrap" });
  const cronEnv = engine.named("tr-cronjob").inputs.spec.jobTemplate.spec.template.spec.containers[0].env;
  expect(cronEnv.map((e: { name: string }) => e.name)).not.toContain("BOOTSTRAP_SECRET_NAME");
  expect(vaultDuration(5400)).toBe("5400s");
  // The Secret receives it as a secret input, base64-encoded.
  const data = secretInput(engine.named("tr-secret").inputs.data) as Record<string, string>;
  expect(Buffer.from(data.token, "base64").toString("utf8")).toBe("hvs.mock-tr-token");
  expect(await pulumiIsSecret(renewer.initialToken)).toBe(true);
  // Pulumi never writes the token back over a rotated one.
  expect(TOKEN_SECRET_OPTIONS.ignoreChanges).toEqual(["data", "stringData"]);
});

async function pulumiIsSecret(o: unknown): Promise<boolean> {
  return (o as { isSecret: Promise<boolean> }).isSecret;
}

test("the renewer policy: lookup, renew and revoke itself, create through its own role only; parses as HCL", async () => {
  const hcl = engine.named("tr-policy").inputs.policy;
  const parsed = await parsePolicyHcl("renewer", hcl);
  const caps = Object.fromEntries(Object.entries(parsed).map(([p, blocks]) => [p, blocks.flatMap((b) => b.capabilities)]));
  expect(caps).toEqual({
    "auth/token/lookup-self": ["read"],
    "auth/token/renew-self": ["update"],
    "auth/token/revoke-self": ["update"],
    "auth/token/create/external-secrets-token": ["update"],
  });
  expect(Object.keys(await parsePolicyHcl("custom", engine.named("custom-policy").inputs.policy))).toContain("auth/token/create/eso-token");
  // No wildcard anywhere: not "auth/token/create/*", not "auth/token/*".
  for (const rule of tokenRenewerPolicy("p", "r").rules) expect(rule.path).not.toMatch(/[*+]/);
});

test("RBAC: get and update on the one token Secret, get on the bootstrap Secret, nothing else", () => {
  const rules = engine.named("tr-rbac").inputs.rules;
  expect(rules).toEqual([
    { apiGroups: [""], resources: ["secrets"], resourceNames: ["vault-token"], verbs: ["get", "update"] },
    { apiGroups: [""], resources: ["secrets"], resourceNames: ["vault-token-bootstrap"], verbs: ["get"] },
  ]);
  expect(rbacAllows(rules, "get", "", "secrets", "vault-token-bootstrap")).toBe(true);
  expect(rbacAllows(rules, "update", "", "secrets", "vault-token-bootstrap")).toBe(false);
  expect(rbacAllows(rules, "get", "", "secrets", "vault-token")).toBe(true);
  expect(rbacAllows(rules, "update", "", "secrets", "vault-token")).toBe(true);
  for (const verb of ["list", "watch", "create", "patch", "delete"]) expect(rbacAllows(rules, verb, "", "secrets", "vault-token")).toBe(false);
  expect(rbacAllows(rules, "get", "", "secrets", "other")).toBe(false);
  expect(rbacAllows(rules, "get", "", "configmaps", "vault-token")).toBe(false);
  const binding = engine.named("tr-rbac-binding").inputs;
  expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "vault-token-renewer" });
  expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "vault-token-renewer", namespace: "external-secrets-credentials" }]);
  expect(engine.named("custom-rbac").inputs.rules[0].resourceNames).toEqual(["eso-token"]);
});

test("the CronJob: schedule, Forbid, bounded retries and run time, history limits, UTC", () => {
  const spec = engine.named("tr-cronjob").inputs.spec;
  expect(spec).toMatchObject({
    schedule: "0 */12 * * *",
    timeZone: "Etc/UTC",
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: RENEWER_JOB_TIMING.startingDeadlineSeconds,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 5,
    jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 300 } },
  });
  expect(engine.named("custom-cronjob").inputs.spec.schedule).toBe("0 3 * * *");
});

test("the pod passes Pod Security 'restricted', is read-only, pinned and bounded", () => {
  const pod = engine.named("tr-cronjob").inputs.spec.jobTemplate.spec.template.spec;
  expect(restrictedViolations(pod)).toEqual([]);
  const c = pod.containers[0];
  expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } });
  expect(c.image).toBe("node:24.11.1-alpine3.22");
  expect(c.resources).toEqual({ requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } });
  expect(pod.restartPolicy).toBe("Never");
  expect(pod.serviceAccountName).toBe("vault-token-renewer");
  expect(engine.named("tr-sa").inputs.automountServiceAccountToken).toBe(false);
  expect(engine.named("tr-ns").inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  // The checker itself catches what it should.
  expect(restrictedViolations({ containers: [{ name: "x", securityContext: {} }] })).toHaveLength(4);
});

test("the token is nowhere in the CronJob: no secret env, no secret volume, no value", () => {
  const cron = engine.named("tr-cronjob").inputs;
  const text = JSON.stringify(cron);
  expect(text).not.toContain("hvs.mock");
  expect(text).not.toContain(Buffer.from("hvs.mock-tr-token").toString("base64"));
  const pod = cron.spec.jobTemplate.spec.template.spec;
  expect(pod.containers[0].env.some((e: any) => e.valueFrom)).toBe(false);
  expect(pod.containers[0].envFrom).toBeUndefined();
  expect(pod.volumes.map((v: any) => Object.keys(v).filter((k) => k !== "name"))).toEqual([["configMap"]]);
});

test("the ConfigMap carries exactly the tested script, and the Vault CA the script is pointed at", () => {
  const cm = engine.named("tr-script").inputs;
  expect(cm.data["renew.mjs"]).toBe(fs.readFileSync(SCRIPT, "utf8"));
  expect(cm.data["vault-ca.crt"]).toBe(examplePem());
  const env = envOf("tr-cronjob");
  expect(env.VAULT_CACERT).toBe("/opt/vault-eso/vault-ca.crt");
  const mount = engine.named("tr-cronjob").inputs.spec.jobTemplate.spec.template.spec.containers[0].volumeMounts[0];
  expect(mount).toEqual({ name: "script", mountPath: "/opt/vault-eso", readOnly: true });
  expect(engine.named("tr-cronjob").inputs.spec.jobTemplate.spec.template.spec.containers[0].command).toEqual(["node", "/opt/vault-eso/renew.mjs"]);
  expect(engine.named("custom-script").inputs.data["vault-ca.crt"]).toBeUndefined();
  expect(envOf("custom-cronjob").VAULT_CACERT).toBeUndefined();
  expect(envOf("custom-cronjob").VAULT_NAMESPACE).toBe("admin/team");
});

function envOf(name: string): Record<string, string> {
  const c = engine.named(name).inputs.spec.jobTemplate.spec.template.spec.containers[0];
  return Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
}

test("the CronJob sets every setting the script requires, with the component's values", () => {
  const script = fs.readFileSync(SCRIPT, "utf8");
  const required = [...script.matchAll(/\b(?:env|seconds)\("([A-Z_]+)"\)/g)].map((m) => m[1]);
  expect(required.sort()).toEqual(["MAX_TTL_SECONDS", "RENEW_INCREMENT_SECONDS", "ROTATE_BEFORE_SECONDS", "SECRET_NAME", "SECRET_NAMESPACE", "VAULT_ADDR", "VAULT_TOKEN_POLICIES", "VAULT_TOKEN_ROLE"]);
  const env = envOf("custom-cronjob");
  for (const k of required) expect(env[k]).toBeDefined();
  expect(env).toMatchObject({
    VAULT_ADDR: "http://vault:8200",
    VAULT_TOKEN_ROLE: "eso-token",
    VAULT_TOKEN_POLICIES: "eso-read,eso-token-renewer",
    RENEW_INCREMENT_SECONDS: String(30 * 86400),
    ROTATE_BEFORE_SECONDS: String(10 * 86400),
    MAX_TTL_SECONDS: String(90 * 86400),
    SECRET_NAMESPACE: "vault-creds",
    SECRET_NAME: "eso-token",
    SECRET_KEY: "vault-token",
  });
});

test("the script rotates correctly when run with the CronJob's own environment (only the addresses pointed at stand-ins)", async () => {
  const env = envOf("custom-cronjob");
  const period = Number(env.RENEW_INCREMENT_SECONDS);
  const vault = new VaultStandIn(env.VAULT_TOKEN_ROLE, period, { allowedPolicies: env.VAULT_TOKEN_POLICIES.split(","), explicitMaxTtl: 90 * 86400 });
  const old = vault.addToken({ policies: env.VAULT_TOKEN_POLICIES.split(","), creationTime: Math.floor(Date.now() / 1000) - 85 * 86400, explicitMaxTtl: 90 * 86400 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "renewer-env-"));
  fs.writeFileSync(path.join(tmp, "token"), "sa-jwt");
  const kube = new KubeStandIn(env.SECRET_NAMESPACE, env.SECRET_NAME, env.SECRET_KEY, old, "sa-jwt");
  await vault.start();
  await kube.start();
  try {
    const r = await runScript(SCRIPT, {
      ...env,
      VAULT_ADDR: vault.url,
      VAULT_NAMESPACE: "",
      REVOKE_GRACE_SECONDS: "0",
      KUBERNETES_API_URL: kube.url,
      KUBERNETES_TOKEN_FILE: path.join(tmp, "token"),
      KUBERNETES_CA_FILE: path.join(tmp, "none"),
    });
    expect(r.code).toBe(0);
    expect(vault.trace()).toEqual(["lookup-self@acc-1", "renew-self@acc-1", "create@acc-1", "lookup-self@acc-2", "revoke-self@acc-1"]);
    expect(vault.calls[2].path).toBe("/v1/auth/token/create/eso-token");
    expect(kube.token).not.toBe(old);
    expect(vault.tokens.get(kube.token)?.policies).toEqual(["eso-read", "eso-token-renewer"]);
  } finally {
    await vault.close();
    await kube.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("every Kubernetes object validates against the published schemas", async () => {
  const objects = k8sObjects(engine.resources);
  expect(objects.length).toBe(18);
  for (const o of objects) await validateK8sObject(revealSecrets(o));
});

test("outputs: the secret ref ESO uses", async () => {
  expect(await valueOf(renewer.secretRef.name)).toBe("vault-token");
  expect(await valueOf(renewer.secretRef.namespace)).toBe("external-secrets-credentials");
  expect(renewer.secretRef.key).toBe("token");
  expect(await valueOf(renewer.cronJobName)).toBe("vault-token-renewer");
});

test("arguments that cannot work are refused before anything registers", () => {
  const before = engine.resources.length;
  const base = { readPolicies: ["r"], vaultAddress: "http://v:8200" };
  expect(() => new TokenRenewer("bad1", { ...base, periodSeconds: 30 * 86400, explicitMaxTtlSeconds: 30 * 86400 })).toThrow(/period: the period \(30d\) must be shorter/);
  expect(() => new TokenRenewer("bad2", { ...base, schedule: "0 0 1 * *" })).toThrow(/schedule: runs can be up to 31d apart/);
  expect(() => new TokenRenewer("bad3", { ...base, schedule: "0 0 * *" })).toThrow(/not a valid CronJob schedule/);
  expect(() => new TokenRenewer("bad4", { ...base, rotateBeforeSeconds: 8 * 86400 })).toThrow(/rotateBefore: the rotation threshold \(8d\) is larger than the period/);
  expect(() => new TokenRenewer("bad5", { ...base, image: "node:latest" })).toThrow(/"latest" tag/);
  // The flattened resources shape (ResourceQuantities: cpu optional for limits) must still carry a CPU request.
  expect(() => new TokenRenewer("bad6", { ...base, resources: { requests: { memory: "64Mi" }, limits: { memory: "128Mi" } } })).toThrow(/resources\.requests\.cpu: missing\. Fix: set a quantity such as "10m"/);
  expect(engine.resources.length).toBe(before);
  expect(engine.resources.filter((r) => r.name.startsWith("bad"))).toHaveLength(0);
});
