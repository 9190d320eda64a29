/**
 * Issue 18 classes 10 and 11 in the config contract: weak Pod Security in
 * prod, audit options current Vault refuses, a moving agent image, tenants
 * named like the platform's namespaces, Secret keys Kubernetes refuses, and
 * a Secret type that mints a non-expiring token.
 */
import { parseStackConfig } from "../components/config/config";
import { configWarnings } from "../components/extras";
import { podSecurityFinding } from "../components/tenants/tenancy-config";
import { configProblemLines, examplePem, flat, validSections } from "./helpers/fixtures";

const parse = (sections: Record<string, unknown>) => parseStackConfig(flat(sections), { secretKeys: new Set(), readFile: () => "" });
const problems = (sections: Record<string, unknown>) => configProblemLines(() => parse(sections));
const prod = (extra: Record<string, unknown> = {}) => ({
  ...validSections(),
  environment: "prod",
  vault: { address: "https://vault.example.com:8200", caCert: examplePem() },
  audit: { devices: [{ type: "file", filePath: "stdout" }, { type: "socket", address: "fluentd.logging:24224" }] },
  ...extra,
});
const es = (patch: Record<string, unknown>) => ({ name: "team-a", externalSecrets: [{ name: "app", data: [{ secretKey: "password", remoteRef: { key: "db" } }], ...patch }] });

describe("Pod Security of tenant namespaces (class 10): prod is environment: prod", () => {
  test.each(["baseline", "privileged"])("%s is refused in prod unless acknowledged, and warned about in dev and when acknowledged", (level) => {
    expect(problems(prod({ tenancy: { podSecurity: level } }))).toEqual([expect.stringMatching(new RegExp(`^vault-eso:tenancy\\.podSecurity = "${level}": "${level}" in prod: .*Fix: use "restricted", or set tenancy\\.acknowledgeWeakPodSecurity: true`))]);
    const acknowledged = parse(prod({ tenancy: { podSecurity: level, acknowledgeWeakPodSecurity: true } })).config;
    expect(configWarnings(acknowledged)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^tenancy\\.podSecurity is "${level}"`))]));
    const dev = parse({ ...validSections(), tenancy: { podSecurity: level } }).config;
    expect(configWarnings(dev)).toEqual(expect.arrayContaining([expect.stringMatching(/^tenancy\.podSecurity is/)]));
  });
  test("restricted says nothing (the finding the guard can reuse)", () => {
    expect(podSecurityFinding("restricted", "prod", false)).toBeUndefined();
    expect(configWarnings(parse(prod()).config).filter((w) => w.includes("podSecurity"))).toEqual([]);
  });
});

describe("audit devices current Vault CE refuses (class 11; Vault 1.20.1, 1.19.7, 1.18.12, 1.16.23+, CVE-2025-6000)", () => {
  test.each(["0700", "0645", "0751", "0610"])("file mode %s with an execute bit is refused", (mode) => {
    expect(problems({ ...validSections(), audit: { devices: [{ type: "file", filePath: "/vault/audit/a.log", mode }] } })).toEqual([
      expect.stringMatching(new RegExp(`^vault-eso:audit\\.devices\\[0\\]\\.mode = "${mode}": "${mode}" has execute bits.*Fix: e\\.g\\. "0600"`)),
    ]);
  });
  test("modes without execute bits pass", () => {
    for (const mode of ["0600", "0640", "0000", "0666"]) expect(problems({ ...validSections(), audit: { devices: [{ type: "file", filePath: "/a.log", mode }] } })).toEqual([]);
  });
  test.each(["file", "socket", "syslog"])("a %s device with a prefix is refused", (type) => {
    const device = { type, prefix: "vault:", ...(type === "file" ? { filePath: "stdout" } : type === "socket" ? { address: "fluentd:24224" } : {}) };
    expect(problems({ ...validSections(), audit: { devices: [device] } })).toEqual([expect.stringMatching(/^vault-eso:audit\.devices\[0\]\.prefix = "vault:": .*allow_audit_log_prefixing.*Fix: remove prefix/)]);
  });
});

describe("the Vault Agent image of the metrics sidecar is pinned (class 11)", () => {
  const metrics = (agentImage: string) => ({ ...validSections(), observability: { vaultMetrics: { enabled: true, agentImage } } });
  test.each(["hashicorp/vault:latest", "hashicorp/vault:1.20", "hashicorp/vault:1", "hashicorp/vault", "registry.local:5000/vault:main"])("%s is refused", (image) => {
    expect(problems(metrics(image))).toEqual([expect.stringMatching(/^vault-eso:observability\.vaultMetrics\.agentImage = .*(moving tag|no tag or digest).*Fix: /)]);
  });
  test.each(["hashicorp/vault:1.20.0", "hashicorp/vault:v1.20.0", "hashicorp/vault:1.20.0-ent", `hashicorp/vault@sha256:${"a".repeat(64)}`])("%s passes", (image) => {
    expect(problems(metrics(image))).toEqual([]);
  });
});

describe("tenants named like the platform's own namespaces are refused at evaluation (class 11)", () => {
  test.each([
    ["vault", { tls: { certManager: { enabled: true, server: { dnsNames: ["vault.vault.svc"] } } }, vault: { address: "http://127.0.0.1:8200", serverForEso: "https://vault.vault.svc:8200" } }],
    ["cert-manager", { tls: { certManager: { enabled: true, install: false, server: { dnsNames: ["vault.vault.svc"] } } }, vault: { address: "http://127.0.0.1:8200", serverForEso: "https://vault.vault.svc:8200" } }],
    ["monitoring", { observability: { vaultMetrics: { enabled: true } } }],
    ["external-secrets", {}],
    ["kube-flannel", {}],
  ])("%s", (name, extra) => {
    const lines = problems({ ...validSections(), ...extra, tenants: [{ name }] });
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^vault-eso:tenants\\[0\\]\\.name = "${name}": is a reserved namespace`))]));
  });
});

describe("Secret keys and types (class 11)", () => {
  test.each(["db password", "../x", "..hidden", ".", "a/b", "x".repeat(254)])("secretKey %j is refused like the API server would (IsConfigMapKey)", (key) => {
    const lines = problems({ ...validSections(), tenants: [es({ data: [{ secretKey: key, remoteRef: { key: "db" } }] })] });
    expect(lines).toEqual([expect.stringMatching(/^vault-eso:tenants\[0\]\.externalSecrets\[0\]\.data\[0\]\.secretKey = .*Fix: /)]);
  });
  test("a template.data key is judged the same way; valid keys pass", () => {
    expect(problems({ ...validSections(), tenants: [es({ template: { data: { "config json": "{{ .password }}" } } })] })).toEqual([expect.stringMatching(/template\.data\.config json = .*a template\.data key may use only/)]);
    expect(problems({ ...validSections(), tenants: [es({ template: { data: { "config.json": "x", "TLS_key-1": "y", ".env": "z" } } })] })).toEqual([]);
  });
  test("template.type kubernetes.io/service-account-token is refused (a non-expiring token); other types pass", () => {
    expect(problems({ ...validSections(), tenants: [es({ template: { type: "kubernetes.io/service-account-token", metadata: { annotations: { "kubernetes.io/service-account.name": "vault-secrets" } } } })] })).toEqual([
      expect.stringMatching(/^vault-eso:tenants\[0\]\.externalSecrets\[0\]\.template\.type = "kubernetes\.io\/service-account-token": .*non-expiring token.*Fix: /),
    ]);
    expect(problems({ ...validSections(), tenants: [es({ template: { type: "kubernetes.io/dockerconfigjson" } })] })).toEqual([]);
  });
});
