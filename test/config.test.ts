import { ConfigError, parseStackConfig } from "../components/config/config";
import { examplePem, flat, RawSections, validSections } from "./helpers/fixtures";

const noFiles = (p: string): string => {
  throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
};

function parse(sections: RawSections, secretKeys: string[] = [], readFile = noFiles) {
  return parseStackConfig(flat(sections), { secretKeys: new Set(secretKeys), readFile });
}

/** Parses and returns the ConfigError (fails the test if parsing succeeded). */
function problemsOf(sections: RawSections, secretKeys: string[] = [], readFile = noFiles): ConfigError {
  try {
    parse(sections, secretKeys, readFile);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError, but the config was accepted");
}

function withSection(section: string, patch: Record<string, unknown>): RawSections {
  const s = validSections();
  s[section] = { ...(s[section] as object), ...patch };
  return s;
}

describe("valid configuration", () => {
  test("defaults fill in a minimal dev config", () => {
    const { config, secrets } = parse(validSections());
    expect(config.kv).toEqual({ path: "secret", scope: "eso", description: "KV v2 for External Secrets Operator (managed by vault-eso)" });
    expect(config.kubernetesAuth).toMatchObject({ path: "kubernetes", tokenReview: "clientJwt", audience: "vault", disableLocalCaJwt: false });
    expect(config.eso).toMatchObject({
      namespace: "external-secrets",
      serviceAccountName: "external-secrets",
      replicas: 1,
      leaderElect: false,
      role: "external-secrets",
      policy: "external-secrets-read",
      tokenTtlSeconds: 900,
      tokenMaxTtlSeconds: 3600,
    });
    expect(config.vault.serverForEso).toBe("http://127.0.0.1:8200");
    expect(config.store.name).toBe("vault-backend");
    expect(secrets).toEqual({});
  });

  test("prod defaults to 2 replicas with leader election", () => {
    const s = validSections();
    s.environment = "prod";
    s.vault = { address: "https://vault.example.com:8200", caCert: examplePem() };
    const { config } = parse(s);
    expect(config.eso.replicas).toBe(2);
    expect(config.eso.leaderElect).toBe(true);
    expect(config.vault.caCertPem).toContain("BEGIN CERTIFICATE");
  });

  test("secrets are returned only when Pulumi holds them as secrets", () => {
    const s = { ...validSections(), vaultToken: "hvs.abc" };
    const { secrets } = parse(s, ["vault-eso:vaultToken"]);
    expect(secrets.vaultToken).toBe("hvs.abc");
  });

  test("caCertFile is read through the injected reader and parsed", () => {
    const pemText = examplePem();
    const s = withSection("vault", { caCertFile: "certs/vault-ca.pem" });
    const read: string[] = [];
    const { config } = parse(s, [], (p) => {
      read.push(p);
      return pemText;
    });
    expect(read).toEqual(["certs/vault-ca.pem"]);
    expect(config.vault.caCertPem).toBe(pemText);
  });

  test("keys of other namespaces (provider config) are ignored", () => {
    const raw = { ...flat(validSections()), "kubernetes:context": "kind", "vault:address": "x" };
    expect(() => parseStackConfig(raw, { secretKeys: new Set(), readFile: noFiles })).not.toThrow();
  });
});

/**
 * Each bad configuration must be rejected with a message naming the key, the
 * bad value and a fix. [description, sections, secret keys, key, value, words the message must contain]
 */
const badConfigs: Array<[string, () => RawSections, string[], string, string, string]> = [
  ["wrong URL scheme", () => withSection("vault", { address: "ftp://vault:8200" }), [], "vault-eso:vault.address", '"ftp://vault:8200"', "https://"],
  ["URL without scheme", () => withSection("vault", { address: "vault.example.com:8200" }), [], "vault-eso:vault.address", '"vault.example.com:8200"', "https"],
  ["URL with a path", () => withSection("vault", { address: "https://vault.example.com/v1" }), [], "vault-eso:vault.address", '"https://vault.example.com/v1"', "without a path"],
  ["prod without https", () => ({ ...withSection("vault", { address: "http://vault.example.com:8200" }), environment: "prod" }), [], "vault-eso:vault.address", '"http://vault.example.com:8200"', "https"],
  ["prod ESO URL without https", () => ({ ...withSection("vault", { address: "https://v.example.com", serverForEso: "http://v.svc:8200" }), environment: "prod" }), [], "vault-eso:vault.serverForEso", '"http://v.svc:8200"', "https"],
  ["skipTlsVerify outside dev", () => ({ ...withSection("vault", { address: "https://v.example.com", skipTlsVerify: true }), environment: "prod" }), [], "vault-eso:vault.skipTlsVerify", "true", "only allowed in dev"],
  ["unknown top-level key", () => ({ ...validSections(), vaultAddress: "https://x" }), [], "vault-eso:vaultAddress", '"https://x"', "not a known setting"],
  ["misspelt nested key", () => withSection("vault", { adress: "https://x" }), [], "vault-eso:vault.adress", '"https://x"', 'did you mean "address"'],
  ["bad DNS-1123 namespace", () => withSection("eso", { namespace: "External_Secrets" }), [], "vault-eso:eso.namespace", '"External_Secrets"', "DNS-1123"],
  ["namespace longer than 63", () => withSection("eso", { namespace: "a".repeat(64) }), [], "vault-eso:eso.namespace", `"${"a".repeat(64)}"`, "at most 63"],
  ["bad store namespace in list", () => withSection("store", { namespaces: ["team-a", "Team B"] }), [], "vault-eso:store.namespaces[1]", '"Team B"', "DNS-1123"],
  ["empty role", () => withSection("eso", { role: "" }), [], "vault-eso:eso.role", '""', "non-empty"],
  ["role with a slash", () => withSection("eso", { role: "eso/read" }), [], "vault-eso:eso.role", '"eso/read"', "no '/'"],
  ["built-in policy name", () => withSection("eso", { policy: "default" }), [], "vault-eso:eso.policy", '"default"', "built-in"],
  ["mount path with a slash", () => withSection("kv", { path: "secret/data" }), [], "vault-eso:kv.path", '"secret/data"', "data/data"],
  ["mount path is the data segment", () => withSection("kv", { path: "data" }), [], "vault-eso:kv.path", '"data"', "API segment"],
  ["scope escaping with ..", () => withSection("kv", { scope: "eso/../other" }), [], "vault-eso:kv.scope", '"eso/../other"', '".."'],
  ["scope with a wildcard", () => withSection("kv", { scope: "eso/*" }), [], "vault-eso:kv.scope", '"eso/*"', "wildcard"],
  ["empty scope (whole mount)", () => withSection("kv", { scope: "" }), [], "vault-eso:kv.scope", '""', "whole mount"],
  ["bad TTL string", () => withSection("eso", { tokenTtl: "15 minutes" }), [], "vault-eso:eso.tokenTtl", '"15 minutes"', '"15m"'],
  ["TTL with unknown unit", () => withSection("eso", { tokenMaxTtl: "1w" }), [], "vault-eso:eso.tokenMaxTtl", '"1w"', "units s, m, h, d"],
  ["TTL above the max TTL", () => withSection("eso", { tokenTtl: "2h", tokenMaxTtl: "1h" }), [], "vault-eso:eso.tokenTtl", '"2h"', "longer than its max TTL"],
  ["TTL too long", () => withSection("eso", { tokenMaxTtl: "30d" }), [], "vault-eso:eso.tokenMaxTtl", '"30d"', "at most 24h"],
  ["unknown token review mode", () => withSection("kubernetesAuth", { tokenReview: "longLivedToken" }), [], "vault-eso:kubernetesAuth.tokenReview", '"longLivedToken"', '"clientJwt", "reviewerServiceAccount"'],
  ["Kubernetes API over http", () => withSection("kubernetesAuth", { host: "http://127.0.0.1:6443" }), [], "vault-eso:kubernetesAuth.host", '"http://127.0.0.1:6443"', "https"],
  ["unparsable CA", () => withSection("vault", { caCert: "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----" }), [], "vault-eso:vault.caCert", "(PEM text, 65 characters, not shown)", "does not parse"],
  ["CA that is not PEM", () => withSection("kubernetesAuth", { caCert: "hello" }), [], "vault-eso:kubernetesAuth.caCert", "(PEM text, 5 characters, not shown)", "not a PEM certificate"],
  ["CA file that does not exist", () => withSection("vault", { caCertFile: "missing.pem" }), [], "vault-eso:vault.caCertFile", '"missing.pem"', "ENOENT"],
  ["missing environment", () => { const s = validSections(); delete s.environment; return s; }, [], "vault-eso:environment", "(unset)", '"dev" or "prod"'],
  ["unknown environment", () => ({ ...validSections(), environment: "staging" }), [], "vault-eso:environment", '"staging"', '"dev" or "prod"'],
  ["missing Kubernetes host", () => { const s = validSections(); s.kubernetesAuth = {}; return s; }, [], "vault-eso:kubernetesAuth.host", "(unset)", "is required"],
  ["replicas as a string", () => withSection("eso", { replicas: "two" }), [], "vault-eso:eso.replicas", '"two"', "must be a number"],
  ["prod with one replica", () => ({ ...withSection("eso", { replicas: 1 }), environment: "prod", vault: { address: "https://v.example.com" } }), [], "vault-eso:eso.replicas", "1", "at least 2"],
  ["store open to every namespace without saying so", () => { const s = validSections(); s.store = {}; return s; }, [], "vault-eso:store", "{}", "allowAllNamespaces"],
  ["empty namespace selector", () => { const s = validSections(); s.store = { namespaceSelector: {} }; return s; }, [], "vault-eso:store.namespaceSelector", "{}", "matches every namespace"],
  ["plain-text Vault token", () => ({ ...validSections(), vaultToken: "hvs.plain" }), [], "vault-eso:vaultToken", "[secret]", "config set --secret"],
  ["reviewer JWT without reviewer mode", () => ({ ...validSections(), reviewerJwt: "eyJ.x.y" }), ["vault-eso:reviewerJwt"], "vault-eso:reviewerJwt", "[secret]", "reviewerServiceAccount"],
];

describe("bad configuration is rejected with key, value and fix", () => {
  test.each(badConfigs)("%s", (_desc, make, secretKeys, key, value, words) => {
    const err = problemsOf(make(), secretKeys);
    const problem = err.problems.find((p) => p.key === key);
    expect(problem).toBeDefined();
    expect(problem!.value).toContain(value);
    expect(problem!.message).toContain(words);
    expect(problem!.message).toMatch(/Fix: /);
    // The thrown message carries all of it for the Pulumi CLI to print.
    expect(err.message).toContain(key);
    expect(err.message).toContain("nothing was deployed");
  });

  test("there are at least 15 distinct bad configurations", () => {
    expect(new Set(badConfigs.map((b) => b[0])).size).toBeGreaterThanOrEqual(15);
  });

  test("secret values never appear in error messages", () => {
    const err = problemsOf({ ...validSections(), vaultToken: "hvs.SUPERSECRET", reviewerJwt: "eyJ.SECRETJWT" }, []);
    expect(err.message).not.toContain("SUPERSECRET");
    expect(err.message).not.toContain("SECRETJWT");
    expect(new Set(err.problems.map((p) => p.key))).toEqual(new Set(["vault-eso:reviewerJwt", "vault-eso:vaultToken"]));
  });

  test("all problems are reported at once", () => {
    const s = validSections();
    s.kv = { path: "a/b", scope: "*" };
    s.eso = { namespace: "BAD" };
    const err = problemsOf(s);
    expect(err.problems.map((p) => p.key)).toEqual(expect.arrayContaining(["vault-eso:kv.path", "vault-eso:kv.scope", "vault-eso:eso.namespace"]));
  });
});

describe("kv.maxVersions / casRequired / deleteVersionAfter (hashicorp/vault-plugin-secrets-kv path_config.go pathConfigWrite)", () => {
  test("valid settings resolve (durations to seconds); none set: nothing to write", () => {
    expect(parse(withSection("kv", { maxVersions: 20, casRequired: true, deleteVersionAfter: "90d" })).config.kv.options).toEqual({ maxVersions: 20, casRequired: true, deleteVersionAfterSeconds: 7776000 });
    expect(parse(withSection("kv", { deleteVersionAfter: "0s" })).config.kv.options).toEqual({ deleteVersionAfterSeconds: 0 });
    expect(parse(withSection("kv", {})).config.kv.options).toBeUndefined();
  });

  test("what Vault would misread is refused, naming the key, the value and the fix", () => {
    const msg = (patch: Record<string, unknown>) => problemsOf(withSection("kv", patch)).message;
    expect(msg({ maxVersions: 0 })).toMatch(/vault-eso:kv\.maxVersions = 0: 0 does not mean unlimited[^]*Fix:/);
    expect(msg({ maxVersions: -1 })).toMatch(/vault-eso:kv\.maxVersions = -1: must be between 1 and 4294967295[^]*wrap/);
    expect(msg({ maxVersions: 2.5 })).toMatch(/vault-eso:kv\.maxVersions = 2\.5: must be a whole number/);
    expect(msg({ deleteVersionAfter: "-1h" })).toMatch(/vault-eso:kv\.deleteVersionAfter = "-1h": a negative duration would disable[^]*Fix:/);
    expect(msg({ deleteVersionAfter: 3600 })).toMatch(/vault-eso:kv\.deleteVersionAfter = 3600: must be a duration/);
    expect(msg({ casRequired: "yes" })).toMatch(/vault-eso:kv\.casRequired = "yes": must be a boolean/);
  });
});

/** Issue 15: a typo below the top level gets the same "did you mean" hint, through lists and unions. */
describe("nested unknown keys and union entries name the key and the alternatives", () => {
  const tenantWith = (es: Record<string, unknown>): RawSections => ({
    ...validSections(),
    tenants: [{ name: "team-a", externalSecrets: [{ name: "db", ...es }] }],
  });
  const only = (err: ConfigError, key: string) => {
    const p = err.problems.find((x) => x.key === key);
    expect(p).toBeDefined();
    return p!;
  };

  test("tenants[].externalSecrets[].data[].remoteRef.kye: did you mean key, and the keys it takes", () => {
    const err = problemsOf(tenantWith({ data: [{ secretKey: "password", remoteRef: { kye: "db" } }] }));
    const p = only(err, "vault-eso:tenants[0].externalSecrets[0].data[0].remoteRef.kye");
    expect(p.message).toContain('did you mean "key"');
    expect(p.message).toContain("use one of: key, property, version");
  });

  test("a typo in dataFrom names the entry's key, not just \"Invalid input\"", () => {
    const err = problemsOf(tenantWith({ dataFrom: [{ extrct: { key: "db" } }] }));
    const p = only(err, "vault-eso:tenants[0].externalSecrets[0].dataFrom[0].extrct");
    expect(p.message).toContain('did you mean "extract"');
    expect(p.message).toContain("extract, find");
    expect(err.message).not.toContain("Invalid input");
  });

  test("a typo inside the chosen dataFrom branch is reported on that branch's keys", () => {
    const err = problemsOf(tenantWith({ dataFrom: [{ find: { nme: { regexp: "^db" } } }] }));
    const p = only(err, "vault-eso:tenants[0].externalSecrets[0].dataFrom[0].find.nme");
    expect(p.message).toContain('did you mean "name"');
    expect(p.message).toContain("path, name, tags");
  });

  test("a bad value inside a dataFrom branch keeps its own message", () => {
    const err = problemsOf(tenantWith({ dataFrom: [{ extract: { key: "../team-b/db" } }] }));
    const p = only(err, "vault-eso:tenants[0].externalSecrets[0].dataFrom[0].extract.key");
    expect(p.message).toContain("relative to the tenant's subtree");
  });

  test("a dataFrom entry with both extract and find is told to take one", () => {
    const err = problemsOf(tenantWith({ dataFrom: [{ extract: { key: "db" }, find: { path: "x" } }] }));
    const p = only(err, "vault-eso:tenants[0].externalSecrets[0].dataFrom[0]");
    expect(p.message).toMatch(/exactly one of extract or find/);
    expect(p.message).toMatch(/Fix: /);
  });

  test("an audit device's typo is judged against its own type's keys", () => {
    const err = problemsOf({ ...validSections(), audit: { devices: [{ type: "file", filepath: "stdout" }] } });
    const p = only(err, "vault-eso:audit.devices[0].filepath");
    expect(p.message).toContain('did you mean "filePath"');
    expect(p.message).not.toContain("socketType"); // a socket device's key is not offered for a file device
  });

  test("a PushSecret data typo lists the PushSecret data keys", () => {
    const err = problemsOf({ ...validSections(), tenants: [{ name: "team-a", push: { secrets: [{ name: "p", secretName: "s", data: [{ secretKey: "a", remoteKey: "b", propety: "x" }] }] } }] });
    const p = only(err, "vault-eso:tenants[0].push.secrets[0].data[0].propety");
    expect(p.message).toContain('did you mean "property"');
    expect(p.message).toContain("secretKey, remoteKey, property");
  });

  test("fixes point at the generated configuration reference, not the README", () => {
    const err = problemsOf({ ...validSections(), tenants: [{ name: "team-a", externalSecrets: [{ name: "db", data: [{ secretKey: "k", remoteRef: {} }] }] }] });
    expect(err.message).toContain("docs/configuration.md");
    expect(err.message).not.toContain("README");
  });
});
