/** Config sections tls, audit, observability, networkPolicies and tenants[].push: defaults, and every rejected input. */
import { ConfigError, parseStackConfig } from "../components/config/config";
import { auditResourceArgs, auditWarnings } from "../components/vault-backend/audit-config";
import { configWarnings, trustPlan } from "../components/extras";
import { examplePem, flat, RawSections, validSections } from "./helpers/fixtures";

const noFiles = (p: string): string => {
  throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
};
const parse = (s: RawSections) => parseStackConfig(flat(s), { secretKeys: new Set(), readFile: noFiles });

function problemsOf(s: RawSections): ConfigError {
  try {
    parse(s);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError, but the config was accepted");
}

/** A valid prod config with https, a CA and the given extra sections. */
function prod(extra: RawSections = {}): RawSections {
  return { ...validSections(), environment: "prod", vault: { address: "https://vault.example.com:8200", caCert: examplePem() }, ...extra };
}

/** A dev config with cert-manager issuing for the in-cluster Vault ESO reaches at vault.vault.svc. */
function certManager(server: Record<string, unknown> = {}, extra: RawSections = {}): RawSections {
  return {
    ...validSections(),
    vault: { address: "https://127.0.0.1:8200", serverForEso: "https://vault.vault.svc:8200" },
    tls: { certManager: { enabled: true, server: { dnsNames: ["vault.vault.svc", "vault.vault.svc.cluster.local"], ...server } } },
    ...extra,
  };
}

const tenant = (extra: Record<string, unknown> = {}) => ({ name: "team-a", ...extra });
const push = (secrets: unknown[], extra: Record<string, unknown> = {}) => ({ secrets, ...extra });
const ps = (extra: Record<string, unknown> = {}) => ({ name: "db-pass", secretName: "db-generated", data: [{ secretKey: "password", remoteKey: "db/generated", property: "password" }], ...extra });

describe("defaults", () => {
  test("everything new is off in dev; the CA goes inline", () => {
    const { config } = parse({ ...validSections(), vault: { address: "https://v.example.com:8200", caCert: examplePem() } });
    expect(config.tls).toMatchObject({ caDelivery: "caBundle", caConfigMapName: "vault-ca", certManager: { enabled: false } });
    expect(config.audit.devices).toEqual([]);
    expect(config.observability).toMatchObject({ prometheusOperator: false, vaultMetrics: { enabled: false } });
    expect(config.networkPolicies).toMatchObject({ enabled: false, apiServerPorts: [443, 6443] });
    expect(trustPlan(config)).toEqual({ mode: "caBundle", pem: examplePem() });
  });

  test("prod gets one audit device by default (Vault's stdout) and a warning to add a second", () => {
    const { config } = parse(prod());
    expect(config.audit.devices).toHaveLength(1);
    expect(auditResourceArgs(config.audit.devices[0])).toEqual({
      type: "file",
      path: "file",
      description: "file audit device (managed by vault-eso)",
      // no `local: false`: an imported device's `local` is null (resource_audit.go auditRead), see docs/adopting.md
      options: { file_path: "stdout", log_raw: "false", hmac_accessor: "true", format: "json" },
    });
    expect(auditWarnings(config.audit.devices, "prod")).toEqual([expect.stringContaining("only one Vault audit device")]);
    expect(configWarnings(config)).toEqual(expect.arrayContaining([expect.stringContaining("only one Vault audit device")]));
  });

  test("two devices in prod: no warning; socket options map to Vault's option names", () => {
    const { config } = parse(prod({ audit: { devices: [{ type: "file", filePath: "/vault/audit/audit.log", mode: "0600" }, { type: "socket", address: "fluentd.logging.svc:24224", writeTimeout: "2s" }] } }));
    expect(auditWarnings(config.audit.devices, "prod")).toEqual([]);
    expect(auditResourceArgs(config.audit.devices[1])).toMatchObject({
      type: "socket",
      path: "socket",
      options: { address: "fluentd.logging.svc:24224", socket_type: "tcp", write_timeout: "2s", log_raw: "false" },
    });
    expect(auditResourceArgs(config.audit.devices[0]).options).toMatchObject({ file_path: "/vault/audit/audit.log", mode: "0600" });
  });

  test("cert-manager mode: stores trust the issued CA; the chart version is pinned", () => {
    const { config } = parse(certManager());
    expect(config.tls.certManager).toMatchObject({ enabled: true, install: true, namespace: "cert-manager", chartVersion: "v1.21.1", caName: "vault-eso-ca" });
    expect(trustPlan(config)).toEqual({ mode: "certManager", configMapName: "vault-ca" });
  });

  test("a wildcard DNS name covers one label; an IP URL needs the IP in ipAddresses", () => {
    expect(() => parse(certManager({ dnsNames: ["*.vault.svc"] }))).not.toThrow();
    expect(() => parse({ ...certManager({ dnsNames: [], ipAddresses: ["10.0.0.5"] }), vault: { address: "https://10.0.0.5:8200" } })).not.toThrow();
  });

  test("ConfigMap delivery of an external CA", () => {
    const { config } = parse({ ...validSections(), vault: { address: "https://v.example.com:8200", caCert: examplePem() }, tls: { caDelivery: "configMap" } });
    expect(trustPlan(config)).toEqual({ mode: "configMap", pem: examplePem(), configMapName: "vault-ca" });
  });

  test("an inline CA warns that the Pulumi provider needs it as a file", () => {
    const { config } = parse({ ...validSections(), vault: { address: "https://v.example.com:8200", caCert: examplePem() } });
    const saved = { ...process.env };
    try {
      for (const k of ["VAULT_CACERT", "VAULT_CAPATH", "VAULT_CACERT_BYTES"]) delete process.env[k];
      expect(configWarnings(config)).toEqual([expect.stringContaining("VAULT_CACERT_BYTES")]);
      process.env.VAULT_CACERT_BYTES = examplePem();
      expect(configWarnings(config)).toEqual([]);
    } finally {
      process.env = saved;
    }
  });

  test("push: defaults and remote keys as given (relative)", () => {
    const { config } = parse({ ...validSections(), tenants: [tenant({ push: push([ps()]) })] });
    expect(config.tenants[0].push).toEqual({
      allowDelete: false,
      secrets: [{ name: "db-pass", secretName: "db-generated", refreshInterval: "1h", updatePolicy: "Replace", deletionPolicy: "None", data: [{ secretKey: "password", remoteKey: "db/generated", property: "password" }] }],
    });
  });

  test("observability: alerts and dashboard follow prometheusOperator; the metrics role has a short TTL", () => {
    const { config } = parse({ ...validSections(), observability: { prometheusOperator: true, vaultMetrics: { enabled: true } } });
    expect(config.observability).toMatchObject({
      prometheusOperator: true,
      alerts: { maxLoginsPerMinute: 60 },
      vaultMetrics: { enabled: true, policy: "prometheus-metrics", role: "prometheus", namespace: "monitoring", serviceAccountName: "prometheus-k8s", tokenTtl: "15m" },
    });
  });
});

/** [description, config, key, value, words the message must contain] */
const bad: Array<[string, () => RawSections, string, string, string]> = [
  // TLS
  ["unparsable CA", () => ({ ...validSections(), vault: { address: "https://v.example.com", caCert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" } }), "vault-eso:vault.caCert", "(PEM text, 58 characters, not shown)", "does not parse"],
  ["ConfigMap delivery without a CA", () => ({ ...validSections(), tls: { caDelivery: "configMap" } }), "vault-eso:tls.caDelivery", '"configMap"', "needs a CA"],
  ["unknown CA delivery", () => ({ ...validSections(), tls: { caDelivery: "secret" } }), "vault-eso:tls.caDelivery", '"secret"', '"caBundle", "configMap"'],
  ["cert-manager without a DNS name", () => certManager({ dnsNames: [] }), "vault-eso:tls.certManager.server.dnsNames", "[]", "without a name"],
  ["cert-manager name not covering ESO's host", () => certManager({ dnsNames: ["vault.example.com"] }), "vault-eso:tls.certManager.server.dnsNames", '["vault.example.com"]', 'does not cover "vault.vault.svc"'],
  ["wildcard covering two labels", () => certManager({ dnsNames: ["*.svc"] }), "vault-eso:tls.certManager.server.dnsNames", '["*.svc"]', "does not cover"],
  ["cert-manager DNS name with upper case", () => certManager({ dnsNames: ["vault.vault.svc", "Vault.Example"] }), "vault-eso:tls.certManager.server.dnsNames[1]", '"Vault.Example"', "not a DNS name"],
  ["cert-manager bad IP", () => certManager({ ipAddresses: ["10.0.0.300"] }), "vault-eso:tls.certManager.server.ipAddresses[0]", '"10.0.0.300"', "not an IP address"],
  ["cert-manager with http for ESO", () => ({ ...certManager(), vault: { address: "http://127.0.0.1:8200", serverForEso: "http://vault.vault.svc:8200" } }), "vault-eso:vault.serverForEso", '"http://vault.vault.svc:8200"', "must use https"],
  ["cert-manager with skipTlsVerify", () => ({ ...certManager(), vault: { address: "https://127.0.0.1:8200", serverForEso: "https://vault.vault.svc:8200", skipTlsVerify: true } }), "vault-eso:vault.skipTlsVerify", "true", "contradicts tls.certManager"],
  ["cert-manager with an inline CA delivery", () => ({ ...certManager(), tls: { caDelivery: "configMap", certManager: { enabled: true, server: { dnsNames: ["vault.vault.svc"] } } } }), "vault-eso:tls.caDelivery", '"configMap"', "always trust the cert-manager CA"],
  ["cert-manager duration with days", () => certManager({ duration: "90d" }), "vault-eso:tls.certManager.server.duration", '"90d"', 'no "d" unit'],
  ["renewBefore not shorter than duration", () => certManager({ duration: "720h", renewBefore: "720h" }), "vault-eso:tls.certManager.server.renewBefore", '"720h"', "must be shorter"],
  ["CA shorter-lived than the server cert", () => ({ ...certManager(), tls: { certManager: { enabled: true, caDuration: "24h", server: { dnsNames: ["vault.vault.svc"] } } } }), "vault-eso:tls.certManager.caDuration", '"24h"', "CA would expire first"],
  ["unpinned cert-manager chart", () => ({ ...certManager(), tls: { certManager: { enabled: true, chartVersion: "latest", server: { dnsNames: ["vault.vault.svc"] } } } }), "vault-eso:tls.certManager.chartVersion", '"latest"', "exact chart version"],
  // audit
  ["prod with no audit device", () => prod({ audit: { devices: [] } }), "vault-eso:audit.devices", "[]", "at least one device"],
  ["socket audit without an address", () => ({ ...validSections(), audit: { devices: [{ type: "socket" }] } }), "vault-eso:audit.devices[0].address", "(unset)", "needs an address"],
  ["socket audit address without a port", () => ({ ...validSections(), audit: { devices: [{ type: "socket", address: "fluentd.logging" }] } }), "vault-eso:audit.devices[0].address", '"fluentd.logging"', "not host:port"],
  ["unix socket audit with a host:port", () => ({ ...validSections(), audit: { devices: [{ type: "socket", socketType: "unix", address: "log:514" }] } }), "vault-eso:audit.devices[0].address", '"log:514"', "not a socket path"],
  ["file audit without a path", () => ({ ...validSections(), audit: { devices: [{ type: "file" }] } }), "vault-eso:audit.devices[0].filePath", "(unset)", "needs a file_path"],
  ["file audit with a relative path", () => ({ ...validSections(), audit: { devices: [{ type: "file", filePath: "audit.log" }] } }), "vault-eso:audit.devices[0].filePath", '"audit.log"', "not an absolute path"],
  ["file audit discarding in prod", () => prod({ audit: { devices: [{ type: "file", filePath: "discard" }] } }), "vault-eso:audit.devices[0].filePath", '"discard"', "records nothing"],
  ["unknown audit type", () => ({ ...validSections(), audit: { devices: [{ type: "kafka" }] } }), "vault-eso:audit.devices[0].type", '"kafka"', '"file", "socket" or "syslog"'],
  ["two audit devices on one path", () => ({ ...validSections(), audit: { devices: [{ type: "file", filePath: "stdout" }, { type: "file", filePath: "/var/log/a.log" }] } }), "vault-eso:audit.devices[1].path", "(unset)", "already used by audit.devices[0]"],
  ["raw audit logging in prod", () => prod({ audit: { devices: [{ type: "file", filePath: "stdout", logRaw: true }] } }), "vault-eso:audit.devices[0].logRaw", "true", "clear text"],
  ["audit file mode not octal", () => ({ ...validSections(), audit: { devices: [{ type: "file", filePath: "stdout", mode: "600" }] } }), "vault-eso:audit.devices[0].mode", '"600"', "octal"],
  // observability
  ["alerts without the Prometheus operator", () => ({ ...validSections(), observability: { alerts: { enabled: true } } }), "vault-eso:observability.alerts.enabled", "true", "prometheusOperator: true"],
  ["dashboard without the Prometheus operator", () => ({ ...validSections(), observability: { grafanaDashboard: true } }), "vault-eso:observability.grafanaDashboard", "true", "prometheusOperator: true"],
  ["metrics token TTL too long", () => ({ ...validSections(), observability: { vaultMetrics: { enabled: true, tokenTtl: "12h" } } }), "vault-eso:observability.vaultMetrics.tokenTtl", '"12h"', "at most 1h"],
  ["metrics SA in a bad namespace", () => ({ ...validSections(), observability: { vaultMetrics: { enabled: true, namespace: "Monitoring" } } }), "vault-eso:observability.vaultMetrics.namespace", '"Monitoring"', "DNS-1123"],
  ["bad selector label value", () => ({ ...validSections(), observability: { prometheusOperator: true, selectorLabels: { release: "kube prometheus" } } }), "vault-eso:observability.selectorLabels.release", '"kube prometheus"', "label value"],
  ["metrics policy named default", () => ({ ...validSections(), observability: { vaultMetrics: { enabled: true, policy: "default" } } }), "vault-eso:observability.vaultMetrics.policy", '"default"', "built-in"],
  // network policies
  ["bad Vault CIDR", () => ({ ...validSections(), networkPolicies: { enabled: true, vaultCidrs: ["10.0.0.1"] } }), "vault-eso:networkPolicies.vaultCidrs[0]", '"10.0.0.1"', "not a CIDR"],
  ["CIDR prefix too long", () => ({ ...validSections(), networkPolicies: { enabled: true, apiServerCidrs: ["10.0.0.0/33"] } }), "vault-eso:networkPolicies.apiServerCidrs[0]", '"10.0.0.0/33"', "not a CIDR"],
  ["CIDRs with policies off", () => ({ ...validSections(), networkPolicies: { vaultCidrs: ["10.0.0.0/24"] } }), "vault-eso:networkPolicies.enabled", "(unset)", "policies are off"],
  ["empty DNS selector", () => ({ ...validSections(), networkPolicies: { enabled: true, dns: { podLabels: {} } } }), "vault-eso:networkPolicies.dns.podLabels", "{}", "every pod"],
  ["API server port out of range", () => ({ ...validSections(), networkPolicies: { enabled: true, apiServerPorts: [70000] } }), "vault-eso:networkPolicies.apiServerPorts[0]", "70000", "Fix:"],
  // push
  ["push in shared tenancy", () => ({ ...validSections(), tenancy: { mode: "shared" }, tenants: [tenant({ push: push([ps()]) })] }), "vault-eso:tenants[0].push", '{"secrets"', "ESO's one identity would write"],
  ["push key escaping the subtree", () => ({ ...validSections(), tenants: [tenant({ push: push([ps({ data: [{ secretKey: "p", remoteKey: "../team-b/db" }] })]) })] }), "vault-eso:tenants[0].push.secrets[0].data[0].remoteKey", '"../team-b/db"', '".."'],
  ["push key with a wildcard", () => ({ ...validSections(), tenants: [tenant({ push: push([ps({ data: [{ secretKey: "p", remoteKey: "db/*" }] })]) })] }), "vault-eso:tenants[0].push.secrets[0].data[0].remoteKey", '"db/*"', "wildcard"],
  ["push key absolute", () => ({ ...validSections(), tenants: [tenant({ push: push([ps({ data: [{ secretKey: "p", remoteKey: "/secret/data/x" }] })]) })] }), "vault-eso:tenants[0].push.secrets[0].data[0].remoteKey", '"/secret/data/x"', "relative"],
  ["deletionPolicy Delete without allowDelete", () => ({ ...validSections(), tenants: [tenant({ push: push([ps({ deletionPolicy: "Delete" })]) })] }), "vault-eso:tenants[0].push.secrets[0].deletionPolicy", '"Delete"', "allowDelete: true"],
  ["PushSecret without data", () => ({ ...validSections(), tenants: [tenant({ push: push([ps({ data: [] })]) })] }), "vault-eso:tenants[0].push.secrets[0].data", "[]", "at least one data entry"],
  ["two PushSecrets writing one key", () => ({ ...validSections(), tenants: [tenant({ push: push([ps(), ps({ name: "other" })]) })] }), "vault-eso:tenants[0].push.secrets[1].data[0].remoteKey", '"db/generated"', 'also written by PushSecret "db-pass"'],
  ["duplicate PushSecret names", () => ({ ...validSections(), tenants: [tenant({ push: push([ps(), ps({ data: [{ secretKey: "x", remoteKey: "other" }] })]) })] }), "vault-eso:tenants[0].push.secrets[1].name", '"db-pass"', "duplicates"],
  ["push policy name colliding with a tenant's", () => ({ ...validSections(), tenants: [tenant({ push: push([ps()]) }), { name: "team-a-push" }] }), "vault-eso:tenants[1].name", '"team-a-push"', 'is also tenant "team-a"\'s'],
  ["push config with an unknown key", () => ({ ...validSections(), tenants: [tenant({ push: { enabled: true } })] }), "vault-eso:tenants[0].push.enabled", "true", "not a known setting"],
  ["token auth with only the cert-manager CA", () => certManager({}, { tokenAuth: { enabled: true } }), "vault-eso:tokenAuth.enabled", "true", "renewer verifies Vault's certificate"],
  ["PushSecret on an invalid update policy", () => ({ ...validSections(), tenants: [tenant({ push: push([ps({ updatePolicy: "Overwrite" })]) })] }), "vault-eso:tenants[0].push.secrets[0].updatePolicy", '"Overwrite"', '"Replace", "IfNotExists"'],
];

describe("bad configuration is rejected with key, value and fix", () => {
  test.each(bad)("%s", (_d, make, key, value, words) => {
    const err = problemsOf(make());
    const p = err.problems.find((x) => x.key === key);
    if (!p) throw new Error(`no problem for ${key}; got:\n${err.message}`);
    expect(p.value).toContain(value);
    expect(p.message).toContain(words);
    expect(p.message).toMatch(/Fix: /);
    expect(err.message).toContain("nothing was deployed");
  });
});

test("a tenant cannot take the namespace cert-manager runs in (installed by the stack or not)", () => {
  const err = problemsOf({ ...certManager(), tenants: [{ name: "cert-manager" }] });
  expect(err.problems.find((p) => p.key === "vault-eso:tenants[0].name")!.message).toContain("reserved namespace");
  // The cluster's own cert-manager (install: false) runs there too: a tenant namespace of that name would fail late (issue 18 class 11).
  const own = problemsOf({ ...certManager(), tls: { certManager: { enabled: true, install: false, server: { dnsNames: ["vault.vault.svc"] } } }, tenants: [{ name: "cert-manager" }] });
  expect(own.problems.find((p) => p.key === "vault-eso:tenants[0].name")!.message).toContain("reserved namespace");
});

test("egress policies without API server CIDRs warn that 443/6443 stay open to any address", () => {
  const { config } = parse({ ...validSections(), networkPolicies: { enabled: true } });
  expect(configWarnings(config)).toEqual([expect.stringContaining("apiServerCidrs")]);
  const narrowed = parse({ ...validSections(), networkPolicies: { enabled: true, apiServerCidrs: ["10.0.0.1/32"] } }).config;
  expect(configWarnings(narrowed)).toEqual([]);
});
