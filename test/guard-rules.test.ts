/**
 * Every CrossGuard rule with inputs that pass and inputs that fail, through
 * the adapted validate functions (as the engine calls them).
 */
import { Finding, guardResource, runGuard, UNKNOWN_WIRE } from "./helpers/guard";
import { renderPolicyHcl } from "../policies/vault/hcl";
import { esoReadPolicy, templatedTenantPolicy, tenantReadPolicy } from "../policies/vault/builders";
import { policyPathsMeet } from "../policies/vault/patterns";
import { VAULT_CREDENTIAL_LABEL, VAULT_TOKEN_CREDENTIAL } from "../components/token-renewer/credentials";
import { esoChartValues } from "../components/eso/eso";

type R = Parameters<typeof guardResource>[0];

async function findings(r: R | R[], config: Record<string, Record<string, unknown>> = {}, stack = "prod"): Promise<Finding[]> {
  return runGuard((Array.isArray(r) ? r : [r]).map((x) => guardResource(x, stack)), config);
}
/** Violation messages of `policy` (advisory "undecided" findings excluded). */
async function violations(r: R | R[], policy: string, config: Record<string, Record<string, unknown>> = {}, stack = "prod") {
  return (await findings(r, config, stack)).filter((f) => f.policy === policy && !f.undecided).map((f) => f.message);
}
async function undecided(r: R | R[], policy: string) {
  return (await findings(r)).filter((f) => f.policy === policy && f.undecided).map((f) => f.message);
}

const policy = (name: string, text: string): R => ({ type: "vault:index/policy:Policy", name, props: { name, policy: text } });
const hcl = (rules: Array<[string, string[]]>) => rules.map(([p, c]) => `path "${p}" {\n  capabilities = ${JSON.stringify(c)}\n}\n`).join("\n");

describe("vault-policy-least-privilege", () => {
  const rule = "vault-policy-least-privilege";
  test.each<[string, string]>([
    ["the ESO read policy", renderPolicyHcl(esoReadPolicy("eso", "secret", "acme/dev/shared"))],
    ["the renewer's own token endpoints", hcl([["auth/token/lookup-self", ["read"]], ["auth/token/renew-self", ["update"]], ["auth/token/revoke-self", ["update"]], ["auth/token/create/eso-renewer", ["create", "update"]]])],
    ["Prometheus reading sys/metrics", hcl([["sys/metrics", ["read", "list"]]])],
    ["a templated tenant policy", renderPolicyHcl(templatedTenantPolicy("t", "secret", "auth_kubernetes_1", (t) => `acme/apps/${t}`))],
    ["a tenant push policy (create/read/update/delete on its subtree)", hcl([["secret/data/acme/apps/team-a/*", ["create", "read", "update", "delete"]], ["secret/metadata/acme/apps/team-a/*", ["read", "list", "delete"]]])],
    ["a deny on sys/", hcl([["secret/data/acme/*", ["read"]], ["sys/*", ["deny"]]])],
  ])("passes %s", async (_d, text) => {
    expect(await violations(policy("p", text), rule)).toEqual([]);
  });

  test.each<[string, Array<[string, string[]]>, string]>([
    ["sudo", [["secret/data/eso/*", ["read", "sudo"]]], "grants sudo"],
    ["a '*' capability (unknown to Vault)", [["secret/data/eso/*", ["*"]]], "capability Vault does not know"],
    ["sys/mounts", [["sys/mounts", ["read"]]], "under sys/ and not in allowedSystemPaths"],
    ["auth/ roles", [["auth/kubernetes/role/*", ["update"]]], "under auth/ and not in allowedSystemPaths"],
    ["token creation with any role", [["auth/token/create/*", ["update"]]], "under auth/ and not in allowedSystemPaths"],
    ["token creation without a role", [["auth/token/create", ["update"]]], "under auth/"],
    ["more than read/list on sys/metrics", [["sys/metrics", ["read", "update"]]], "grants update; allowedSystemPaths permits only read, list"],
    ["a bare * path", [["*", ["read"]]], "reaches sys/, auth/ or identity/"],
    ["a leading slash (Vault ignores it)", [["/sys/mounts", ["read"]]], "under sys/"],
    ["identity/ (entity aliases decide templated policies)", [["identity/entity-alias/*", ["update"]]], "under identity/ and not in allowedSystemPaths"],
    ["the whole mount (seed 004)", [["secret/*", ["create", "read", "update", "delete", "list", "patch"]]], 'on a whole mount ("secret")'],
    ["all data of the mount (seed 000)", [["secret/data/*", ["read", "list"]]], "whole mount"],
    ["every key's metadata", [["secret/metadata/*", ["list"]]], "whole mount"],
    ["a + folder", [["secret/data/+/*", ["read"]]], "whole mount"],
    ["a + mount", [["+/data/*", ["read"]]], "whole mount"],
  ])("fails %s", async (_d, rules, words) => {
    expect((await violations(policy("p", hcl(rules)), rule)).join("\n")).toContain(words);
  });

  test("issue 13 (hashicorp/vault vault/policy.go parsePaths over HCL v1): JSON and legacy policies are read as Vault reads them and judged, not refused", async () => {
    const json = JSON.stringify({ path: { "secret/data/eso/*": { capabilities: ["read", "sudo"] } } });
    expect((await violations(policy("p", json), rule)).join("\n")).toContain('path "secret/data/eso/*" grants sudo');
    const legacy = 'path "secret/data/eso/*" {\n  policy = "sudo"\n}\n';
    expect((await violations(policy("p", legacy), rule)).join("\n")).toContain("grants sudo");
    expect(await violations(policy("p", JSON.stringify({ path: { "secret/data/acme/dev/shared/*": { capabilities: ["read"] } } })), rule)).toEqual([]);
  });

  test("issue 13: what Vault refuses to write is reported with Vault's reason (misspelt capabilites, an attribute set twice)", async () => {
    expect((await violations(policy("p", 'path "secret/data/eso/*" {\n  capabilites = ["read"]\n}\n'), rule)).join("\n")).toContain('invalid key "capabilites"');
    expect((await violations(policy("p", 'path "secret/data/eso/*" {\n  capabilities = ["read"]\n  capabilities = ["list"]\n}\n'), rule)).join("\n")).toContain("already set");
  });

  test("allowedSystemPaths is tunable", async () => {
    const p = policy("p", hcl([["sys/health", ["read"]]]));
    expect(await violations(p, rule)).toHaveLength(1);
    expect(await violations(p, rule, { [rule]: { allowedSystemPaths: { "sys/health": ["read"] } } })).toEqual([]);
  });

  test("an unknown policy text (preview) is undecided, not a pass and not a violation", async () => {
    const p = policy("p", UNKNOWN_WIRE.unknownStringValue);
    expect(await violations(p, rule)).toEqual([]);
    expect(await undecided(p, rule)).toEqual([expect.stringContaining("can't be known during preview")]);
  });
});

describe("tenant-policy-in-subtree", () => {
  const rule = "tenant-policy-in-subtree";
  test.each<[string, string, string]>([
    ["a read policy built for its subtree", "tenant-team-a", renderPolicyHcl(tenantReadPolicy("tenant-team-a", "secret", "acme/dev/apps/team-a"))],
    ["a push policy on its subtree", "tenant-team-a", hcl([["secret/data/acme/apps/team-a/*", ["create", "read", "update", "delete"]], ["secret/metadata/acme/apps/team-a/*", ["read", "list", "delete"]]])],
    ["an exact path inside its subtree", "tenant-team-a", hcl([["secret/data/acme/apps/team-a/db", ["read"]], ["secret/metadata/acme/apps/team-a", ["list"]]])],
    ["the templated policy", "vault-eso-tenants", renderPolicyHcl(templatedTenantPolicy("vault-eso-tenants", "secret", "auth_kubernetes_9", (t) => `acme/prod/apps/${t}`))],
    ["a policy that is not a tenant's", "eso", hcl([["secret/data/x/*", ["read"]]])],
  ])("passes %s", async (_d, name, text) => {
    expect(await violations(policy(name, text), rule)).toEqual([]);
  });

  test.each<[string, string, string, string]>([
    ["a widened glob (team* reaches team-b)", "tenant-team", hcl([["secret/data/acme/apps/team*", ["read"]]]), 'no segment named after tenant "team"'],
    ["the parent folder", "tenant-team-a", hcl([["secret/data/acme/apps/*", ["read"]]]), "no segment named after tenant"],
    ["another tenant's subtree", "tenant-team-a", hcl([["secret/data/acme/apps/team-b/*", ["read"]]]), "no segment named after tenant"],
    ["two subtrees", "tenant-team-a", hcl([["secret/data/acme/apps/team-a/*", ["read"]], ["secret/data/other/team-a/*", ["read"]]]), "reaches 2 subtrees"],
    ["a + above the tenant", "tenant-team-a", hcl([["secret/data/+/team-a/*", ["read"]]]), "wildcard above the tenant's subtree"],
    ["a glob inside the path", "tenant-team-a", hcl([["secret/data/acme/team-a/+/x", ["read"]]]), 'wildcard other than a trailing "/*"'],
    ["version destruction", "tenant-team-a", hcl([["secret/destroy/acme/team-a/*", ["update"]]]), "not of the form"],
    ["a templated policy that also grants the parent", "vault-eso-tenants", hcl([["secret/data/acme/{{identity.entity.aliases.a.metadata.service_account_namespace}}/*", ["read"]], ["secret/metadata/acme/*", ["list"]]]), "no segment named after tenant"],
  ])("fails %s", async (_d, name, text, words) => {
    expect((await violations(policy(name, text), rule)).join("\n")).toContain(words);
  });

  test("a prefix glob on the tenant's own segment (team-a*, which reaches team-a-old) is refused", async () => {
    expect((await violations(policy("tenant-team-a", hcl([["secret/data/acme/team-a/*", ["read"]], ["secret/metadata/acme/team-a*", ["list"]]])), rule)).join("\n")).toContain(
      "no segment named after tenant",
    );
  });

  test("the tenant policy prefix is tunable", async () => {
    const p = policy("team-team-a", hcl([["secret/data/acme/*", ["read"]]]));
    expect(await violations(p, rule)).toEqual([]);
    expect(await violations(p, rule, { [rule]: { tenantPolicyPrefix: "team-" } })).toHaveLength(1);
  });
});

describe("k8s-auth-role-binding", () => {
  const rule = "k8s-auth-role-binding";
  const role = (props: Record<string, unknown>): R => ({
    type: "vault:kubernetes/authBackendRole:AuthBackendRole",
    name: "r",
    props: { roleName: "r", boundServiceAccountNames: ["eso"], boundServiceAccountNamespaces: ["eso"], audience: "vault", tokenTtl: 900, tokenMaxTtl: 3600, ...props },
  });
  test("passes an explicit, audience-bound, short-lived role", async () => {
    expect(await violations(role({}), rule)).toEqual([]);
  });
  test.each<[string, Record<string, unknown>, string]>([
    ["namespace wildcard", { boundServiceAccountNamespaces: ["*"] }, "wildcard"],
    ["namespace glob", { boundServiceAccountNamespaces: ["team-*"] }, "wildcard"],
    ["no namespaces", { boundServiceAccountNamespaces: [] }, "binds no namespaces"],
    ["a namespace selector", { boundServiceAccountNamespaces: undefined, boundServiceAccountNamespaceSelector: '{"matchLabels":{"a":"b"}}' }, "by selector"],
    ["service account wildcard", { boundServiceAccountNames: ["*"] }, "explicit names"],
    ["no audience", { audience: undefined }, "no audience"],
    ["no TTL", { tokenTtl: undefined }, "tokenTtl is not set"],
    ["TTL above the limit", { tokenMaxTtl: 7 * 86400 }, "exceeds 86400s"],
  ])("fails %s", async (_d, props, words) => {
    expect((await violations(role(props), rule)).join("\n")).toContain(words);
  });
  test("the limit is tunable", async () => {
    expect(await violations(role({ tokenMaxTtl: 7200 }), rule, { [rule]: { maxTokenTtlSeconds: 3600 } })).toEqual(["tokenMaxTtl 7200s exceeds 3600s"]);
  });
  test("unknown namespaces are undecided, while known problems are still reported", async () => {
    const r = role({ boundServiceAccountNamespaces: UNKNOWN_WIRE.unknownArrayValue, audience: undefined });
    expect(await violations(r, rule)).toEqual(["sets no audience"]);
    expect(await undecided(r, rule)).toHaveLength(1);
  });
});

describe("vault-token-lifetime", () => {
  const rule = "vault-token-lifetime";
  const token = (props: Record<string, unknown>): R => ({ type: "vault:index/token:Token", name: "t", props });
  const tokenRole = (props: Record<string, unknown>): R => ({ type: "vault:tokenauth/authBackendRole:AuthBackendRole", name: "t", props: { roleName: "t", ...props } });
  const k8sRole = (props: Record<string, unknown>): R => ({ type: "vault:kubernetes/authBackendRole:AuthBackendRole", name: "k", props });
  test.each<[string, R]>([
    ["seed 000's periodic token (period 30d, explicit max 90d)", token({ period: "30d", explicitMaxTtl: "90d" })],
    ["a short-lived token", token({ ttl: "1h" })],
    ["a periodic token role with an explicit max TTL", tokenRole({ tokenPeriod: 2592000, tokenExplicitMaxTtl: 7776000 })],
    ["a non-periodic token role within limits", tokenRole({ tokenTtl: 3600, tokenMaxTtl: 86400 })],
    ["Go-style durations", token({ period: "24h0m0s", explicitMaxTtl: "720h0m0s" })],
  ])("passes %s", async (_d, r) => {
    expect(await violations(r, rule)).toEqual([]);
  });
  test.each<[string, R, string]>([
    ["a periodic token without a max", token({ period: "768h" }), "lives for as long as someone renews it"],
    ["a token role without a max", tokenRole({ tokenPeriod: 86400 }), "without tokenExplicitMaxTtl"],
    ["a periodic Kubernetes auth role without a max", k8sRole({ tokenPeriod: 3600 }), "without tokenExplicitMaxTtl"],
    ["a max not above the period", tokenRole({ tokenPeriod: 3600, tokenExplicitMaxTtl: 3600 }), "not longer than the period"],
    ["a period above the limit", token({ period: "2000h", explicitMaxTtl: "2100h" }), "period 7200000s exceeds"],
    ["an explicit max above the limit", token({ period: "24h", explicitMaxTtl: "365d" }), "explicitMaxTtl 31536000s exceeds"],
    ["a token with no TTL at all", token({ policies: ["p"] }), "neither period nor ttl"],
    ["a token role TTL above the limit", tokenRole({ tokenMaxTtl: 100 * 86400 }), "tokenMaxTtl 8640000s exceeds"],
    ["a duration that is not one", token({ ttl: "forever" }), "is not a duration"],
  ])("fails %s", async (_d, r, words) => {
    expect((await violations(r, rule)).join("\n")).toContain(words);
  });
  // hashicorp/vault vault/token_store.go handleCreateCommon: a token created through a role takes the role's
  // token_period (a request period needs sudo) and the lesser of the two explicit max TTLs.
  describe("a vault.Token issued through a token role in the stack is judged by its effective lifetime (token_store.go handleCreateCommon)", () => {
    const role = tokenRole({ roleName: "eso", tokenPeriod: 7 * 86400, tokenExplicitMaxTtl: 30 * 86400 });
    test("no period on the token, a short explicit max: passes (the bootstrap token)", async () => {
      expect(await violations([role, token({ roleName: "eso", explicitMaxTtl: "88500s" })], rule)).toEqual([]);
      expect(await violations([role, token({ roleName: "eso" })], rule)).toEqual([]);
    });
    test("an unbounded role is caught through the token, unless the token bounds itself", async () => {
      const unbounded = tokenRole({ roleName: "eso", tokenPeriod: 86400 });
      expect((await violations([unbounded, token({ roleName: "eso" })], rule)).join("\n")).toContain('periodic token without explicitMaxTtl (effective, through token role "eso")');
      expect((await violations([unbounded, token({ roleName: "eso", explicitMaxTtl: "48h" })], rule)).filter((m) => m.includes("through"))).toEqual([]);
    });
    test("the lesser explicit max wins; a role's long max is still caught", async () => {
      const long = tokenRole({ roleName: "eso", tokenPeriod: 86400, tokenExplicitMaxTtl: 365 * 86400 });
      expect((await violations([long, token({ roleName: "eso" })], rule)).join("\n")).toContain('explicitMaxTtl 31536000s (effective, through token role "eso") exceeds');
      expect((await violations([long, token({ roleName: "eso", explicitMaxTtl: "30d" })], rule)).filter((m) => m.includes("through"))).toEqual([]);
    });
    test("a role outside the stack: the token must bound itself", async () => {
      expect((await violations(token({ roleName: "elsewhere" }), rule)).join("\n")).toContain('token role "elsewhere", which is not in this stack');
      expect(await violations(token({ roleName: "elsewhere", explicitMaxTtl: "24h" }), rule)).toEqual([]);
    });
  });
  test("limits are tunable", async () => {
    expect(await violations(token({ period: "24h", explicitMaxTtl: "72h" }), rule, { [rule]: { maxExplicitMaxTtlSeconds: 86400 * 2 } })).toEqual([
      "explicitMaxTtl 259200s exceeds 172800s",
    ]);
  });
});

describe("kv-mount-protected", () => {
  const mount = (protect: boolean, type = "kv"): R => ({ type: "vault:index/mount:Mount", name: "kv", props: { path: "secret", type, options: { version: "2" } }, protect });
  test("passes a protected KV mount and other mounts; fails an unprotected KV mount", async () => {
    expect(await violations(mount(true), "kv-mount-protected")).toEqual([]);
    expect(await violations(mount(false, "transit"), "kv-mount-protected")).toEqual([]);
    expect(await violations(mount(false), "kv-mount-protected")).toEqual(['KV mount "secret" is not protected']);
    expect(await violations(mount(false, "kv-v2"), "kv-mount-protected")).toHaveLength(1);
  });
});

const eso = (kind: string, version: string, spec: Record<string, unknown>, namespace?: string): R => ({
  type: `kubernetes:external-secrets.io/${version}:${kind}`,
  name: "s",
  props: { apiVersion: `external-secrets.io/${version}`, kind, metadata: { name: "vault-backend", ...(namespace ? { namespace } : {}) }, spec },
});
const vaultSpec = (server: string) => ({ provider: { vault: { server, path: "secret", version: "v2" } } });

describe("eso-api-versions", () => {
  const rule = "eso-api-versions";
  test("passes v1 stores and ExternalSecrets and v1alpha1 PushSecrets", async () => {
    for (const [kind, v] of [["ClusterSecretStore", "v1"], ["SecretStore", "v1"], ["ExternalSecret", "v1"], ["ClusterExternalSecret", "v1"], ["PushSecret", "v1alpha1"], ["ClusterPushSecret", "v1alpha1"]]) {
      expect(await violations(eso(kind, v, {}), rule)).toEqual([]);
    }
  });
  test("fails v1beta1 stores, v1 PushSecrets and unknown kinds", async () => {
    expect(await violations(eso("ClusterSecretStore", "v1beta1", vaultSpec("https://v")), rule)).toEqual(["ClusterSecretStore uses external-secrets.io/v1beta1; ESO 2.x serves external-secrets.io/v1"]);
    expect(await violations(eso("ExternalSecret", "v1beta1", {}), rule)).toHaveLength(1);
    expect(await violations(eso("PushSecret", "v1", {}), rule)).toHaveLength(1);
    expect(await violations(eso("SecretSink", "v1", {}), rule)).toEqual([expect.stringContaining("not an ESO kind")]);
  });
});

describe("cluster-store-conditions", () => {
  const rule = "cluster-store-conditions";
  test.each<[string, unknown]>([
    ["namespaces", [{ namespaces: ["a"] }]],
    ["a label selector", [{ namespaceSelector: { matchLabels: { "vault-eso.io/secrets": "enabled" } } }]],
    ["regexes", [{ namespaceRegexes: ["^team-a$"] }]],
  ])("passes a store with conditions on %s", async (_d, conditions) => {
    expect(await violations(eso("ClusterSecretStore", "v1", { ...vaultSpec("https://v"), conditions }), rule)).toEqual([]);
  });
  test("fails a store without conditions unless allowed, and a condition that selects nothing", async () => {
    expect(await violations(eso("ClusterSecretStore", "v1", vaultSpec("https://v")), rule)).toEqual([expect.stringContaining("no conditions")]);
    expect(await violations(eso("ClusterSecretStore", "v1", vaultSpec("https://v")), rule, { [rule]: { allowUnconditioned: ["vault-backend"] } })).toEqual([]);
    expect(await violations(eso("ClusterSecretStore", "v1", { ...vaultSpec("https://v"), conditions: [{ namespaceSelector: {} }] }), rule)).toEqual([
      expect.stringContaining("selects no namespace"),
    ]);
  });
});

describe("store-server-https", () => {
  const rule = "store-server-https";
  test("http is refused outside the allowed stacks, allowed in dev, tunable", async () => {
    expect(await violations(eso("SecretStore", "v1", vaultSpec("http://vault:8200")), rule, {}, "prod")).toEqual([expect.stringContaining('in stack "prod"')]);
    expect(await violations(eso("ClusterSecretStore", "v1", vaultSpec("http://vault:8200")), rule, {}, "staging")).toHaveLength(1);
    expect(await violations(eso("SecretStore", "v1", vaultSpec("http://vault:8200")), rule, {}, "dev")).toEqual([]);
    expect(await violations(eso("SecretStore", "v1", vaultSpec("https://vault:8200")), rule, {}, "prod")).toEqual([]);
    expect(await violations(eso("SecretStore", "v1", vaultSpec("http://vault:8200")), rule, { [rule]: { httpAllowedStacks: ["local"] } }, "dev")).toHaveLength(1);
  });
  test("an unknown server is undecided", async () => {
    expect(await undecided(eso("SecretStore", "v1", vaultSpec(UNKNOWN_WIRE.unknownStringValue)), rule)).toHaveLength(1);
  });
});

describe("eso-chart-pinned", () => {
  const rule = "eso-chart-pinned";
  const release = (version: unknown, chart = "external-secrets"): R => ({ type: "kubernetes:helm.sh/v3:Release", name: "eso", props: { chart, version } });
  test("exact versions pass; ranges, partial and missing versions fail; other charts are not judged", async () => {
    expect(await violations(release("2.9.0"), rule)).toEqual([]);
    expect(await violations(release("2.9.0", "oci://ghcr.io/external-secrets/charts/external-secrets"), rule)).toEqual([]);
    for (const v of ["^2.9.0", "~2.9.0", "2.9", "2.9.x", ">=2.0.0", undefined]) expect(await violations(release(v), rule)).toHaveLength(1);
    expect(await violations({ type: "kubernetes:helm.sh/v4:Chart", name: "eso", props: { chart: "external-secrets" } }, rule)).toHaveLength(1);
    expect(await violations(release(undefined, "cert-manager"), rule)).toEqual([]);
  });
});

describe("pod-security-restricted", () => {
  const rule = "pod-security-restricted";
  const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
  const podSpec = (sc: Record<string, unknown>, podExtra: Record<string, unknown> = {}) => ({ containers: [{ name: "c", image: "x", securityContext: sc }], ...podExtra });
  const workloads = (spec: Record<string, unknown>): R[] => [
    { type: "kubernetes:core/v1:Pod", name: "pod", props: { metadata: { name: "pod" }, spec } },
    { type: "kubernetes:apps/v1:Deployment", name: "deploy", props: { metadata: { name: "deploy" }, spec: { template: { spec } } } },
    { type: "kubernetes:apps/v1:StatefulSet", name: "sts", props: { metadata: { name: "sts" }, spec: { template: { spec } } } },
    { type: "kubernetes:apps/v1:DaemonSet", name: "ds", props: { metadata: { name: "ds" }, spec: { template: { spec } } } },
    { type: "kubernetes:batch/v1:Job", name: "job", props: { metadata: { name: "job" }, spec: { template: { spec } } } },
    { type: "kubernetes:batch/v1:CronJob", name: "renewer", props: { metadata: { name: "renewer" }, spec: { jobTemplate: { spec: { template: { spec } } } } } },
  ];
  test("passes restricted pods of every workload kind, with settings on the pod or the container", async () => {
    expect(await violations(workloads(podSpec(restricted)), rule)).toEqual([]);
    const podLevel = podSpec({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } }, { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } });
    expect(await violations(workloads(podLevel), rule)).toEqual([]);
  });
  test("a root-running pod fails in every workload kind", async () => {
    const v = await violations(workloads(podSpec({ ...restricted, runAsNonRoot: false, runAsUser: 0 })), rule);
    expect(v).toHaveLength(12);
    expect(v).toEqual(expect.arrayContaining(['renewer: container "c" must run with runAsNonRoot: true', 'deploy: container "c" runs as user 0 (root)']));
  });
  test.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ["privilege escalation", { ...restricted, allowPrivilegeEscalation: true }, {}, "allowPrivilegeEscalation"],
    ["escalation not set", { ...restricted, allowPrivilegeEscalation: undefined }, {}, "allowPrivilegeEscalation"],
    ["capabilities kept", { ...restricted, capabilities: {} }, {}, "drop ALL"],
    ["an added capability", { ...restricted, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } }, {}, "adds capability SYS_ADMIN"],
    ["no seccomp", { ...restricted, seccompProfile: undefined }, {}, "seccompProfile"],
    ["an Unconfined container over a RuntimeDefault pod", { ...restricted, seccompProfile: { type: "Unconfined" } }, { securityContext: { seccompProfile: { type: "RuntimeDefault" } } }, "seccompProfile"],
    ["a container that overrides the pod's runAsNonRoot", { ...restricted, runAsNonRoot: false }, { securityContext: { runAsNonRoot: true } }, "runAsNonRoot"],
    ["privileged", { ...restricted, privileged: true }, {}, "privileged"],
    ["hostNetwork", restricted, { hostNetwork: true }, "hostNetwork"],
    ["hostPID", restricted, { hostPID: true }, "hostPID"],
    ["hostIPC", restricted, { hostIPC: true }, "hostIPC"],
    ["a hostPath volume", restricted, { volumes: [{ name: "h", hostPath: { path: "/" } }] }, "hostPath"],
    ["a root init container", restricted, { initContainers: [{ name: "init", securityContext: { ...restricted, runAsNonRoot: undefined, runAsUser: 0 } }] }, 'container "init" must run with runAsNonRoot'],
    ["AppArmor unconfined", { ...restricted, appArmorProfile: { type: "Unconfined" } }, {}, "appArmorProfile"],
    ["an SELinux user", { ...restricted, seLinuxOptions: { user: "system_u" } }, {}, "seLinuxOptions"],
    ["an unsafe sysctl", restricted, { securityContext: { sysctls: [{ name: "kernel.msgmax", value: "1" }] } }, "unsafe sysctl kernel.msgmax"],
    ["an unmasked /proc", { ...restricted, procMount: "Unmasked" }, {}, "procMount Unmasked"],
    ["a host port", restricted, { containers: [{ name: "c", securityContext: restricted, ports: [{ containerPort: 80, hostPort: 80 }] }] }, "hostPort"],
  ])("fails %s", async (_d, sc, podExtra, words) => {
    expect((await violations(workloads(podSpec(sc, podExtra))[5], rule)).join("\n")).toContain(words);
  });
  test("Helm values may not weaken the pods the release renders; the ESO values this project sets pass", async () => {
    const release = (values: Record<string, unknown>): R => ({ type: "kubernetes:helm.sh/v3:Release", name: "eso", props: { name: "external-secrets", chart: "external-secrets", version: "2.9.0", values } });
    expect(await violations(release(esoChartValues({ serviceAccountName: "external-secrets", replicas: 2, leaderElect: true, resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } }, systemAuthDelegator: false })), rule)).toEqual([]);
    expect(await violations(release({ securityContext: { runAsNonRoot: true, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } } }), rule)).toEqual([]);
    expect(await violations(release({ webhook: { hostNetwork: true, securityContext: { runAsUser: 0 } }, podSecurityContext: { seccompProfile: { type: "Unconfined" } } }), rule)).toEqual([
      'Helm release external-secrets: values.podSecurityContext.seccompProfile.type: Unconfined breaks "restricted" in the pods it renders',
      'Helm release external-secrets: values.webhook.securityContext.runAsUser: 0 breaks "restricted" in the pods it renders',
      'Helm release external-secrets: values.webhook.hostNetwork: true breaks "restricted" in the pods it renders',
    ]);
  });
  test("an unknown pod template is undecided", async () => {
    expect(await undecided({ type: "kubernetes:apps/v1:Deployment", name: "d", props: { spec: { template: UNKNOWN_WIRE.unknownObjectValue } } }, rule)).toHaveLength(1);
  });
});

describe("vault-tokens-in-credentials-namespace", () => {
  const rule = "vault-tokens-in-credentials-namespace";
  const secret = (ns: string, extra: Record<string, unknown> = {}, labels: Record<string, string> = {}): R => ({
    type: "kubernetes:core/v1:Secret",
    name: "s",
    props: { metadata: { name: "vault-token", namespace: ns, labels }, ...extra },
  });
  const label = { [VAULT_CREDENTIAL_LABEL]: VAULT_TOKEN_CREDENTIAL };
  test("a token Secret in the credentials namespace passes; ordinary Secrets anywhere pass", async () => {
    expect(await violations(secret("external-secrets-credentials", { stringData: { token: "hvs.CAESIJlongtokenvalue1234567890" } }, label), rule)).toEqual([]);
    expect(await violations(secret("team-a", { stringData: { password: "hunter2", note: "s.short" } }), rule)).toEqual([]);
  });
  test("a token Secret elsewhere fails, by label or by a visible token value", async () => {
    expect(await violations(secret("team-a", {}, label), rule)).toEqual([expect.stringContaining(`labelled ${VAULT_CREDENTIAL_LABEL}=${VAULT_TOKEN_CREDENTIAL}`)]);
    expect(await violations(secret("team-a", { stringData: { token: "hvs.CAESIJlongtokenvalue1234567890" } }), rule)).toHaveLength(1);
    expect(await violations(secret("team-a", { data: { token: Buffer.from("hvs.CAESIJlongtokenvalue1234567890").toString("base64") } }), rule)).toHaveLength(1);
    expect(await violations(secret("team-a", { stringData: { token: "s.Abcdefghijklmnopqrstuvwx" } }), rule)).toHaveLength(1);
  });
  test("the credentials namespace is tunable", async () => {
    expect(await violations(secret("vault-creds", {}, label), rule, { [rule]: { credentialsNamespace: "vault-creds" } })).toEqual([]);
  });
});

/** One tenant as TenantNamespace registers it: namespace, policy, role, store. */
function tenant(name: string, o: { policyHcl?: string; policyName?: string; roleNamespaces?: string[]; storeRole?: string; tokenPolicies?: unknown; store?: boolean } = {}): R[] {
  const policyName = o.policyName ?? `tenant-${name}`;
  const out: R[] = [
    { type: "kubernetes:core/v1:Namespace", name: `${name}-ns`, props: { metadata: { name, labels: { "vault-eso.io/tenant": name } } } },
    {
      type: "vault:kubernetes/authBackendRole:AuthBackendRole",
      name: `${name}-role`,
      props: {
        roleName: `tenant-${name}`,
        boundServiceAccountNames: ["vault-secrets"],
        boundServiceAccountNamespaces: o.roleNamespaces ?? [name],
        audience: "vault",
        tokenPolicies: o.tokenPolicies ?? [policyName],
        tokenTtl: 600,
        tokenMaxTtl: 1800,
      },
    },
  ];
  if (o.policyHcl !== "") out.push(policy(policyName, o.policyHcl ?? renderPolicyHcl(tenantReadPolicy(policyName, "secret", `acme/apps/${name}`))));
  if (o.store !== false) {
    out.push({
      type: "kubernetes:external-secrets.io/v1:SecretStore",
      name: `${name}-store`,
      props: { metadata: { name: "vault", namespace: name }, spec: { provider: { vault: { server: "https://v", path: "secret", auth: { kubernetes: { role: o.storeRole ?? `tenant-${name}` } } } } } },
    });
  }
  return out;
}
const kvMount: R = { type: "vault:index/mount:Mount", name: "kv", props: { path: "secret", type: "kv" }, protect: true };

describe("tenant-own-role-and-store", () => {
  const rule = "tenant-own-role-and-store";
  test("passes tenants with their own role and store", async () => {
    expect(await violations([...tenant("team-a"), ...tenant("team-b")], rule)).toEqual([]);
  });
  test("fails a tenant without a role, a role binding two tenants, a missing store, a store using another role", async () => {
    const noRole = tenant("team-a").filter((r) => !r.type.includes("AuthBackendRole"));
    expect(await violations(noRole, rule)).toEqual(['tenant "team-a" has 0 Vault roles bound to namespace team-a; it needs exactly one of its own']);
    expect((await violations([...tenant("team-a", { roleNamespaces: ["team-a", "team-b"] }), ...tenant("team-b")], rule)).join("\n")).toContain(
      'role "tenant-team-a" binds ["team-a","team-b"]',
    );
    expect(await violations(tenant("team-a", { store: false }), rule)).toEqual(['tenant "team-a" has no SecretStore of its own in team-a']);
    expect(await violations(tenant("team-a", { storeRole: "external-secrets" }), rule)).toEqual([expect.stringContaining('logs in as "external-secrets"')]);
  });
  test("a role whose namespaces are unknown (preview) makes a role-less tenant undecided, not a violation", async () => {
    const pending = tenant("team-a", { roleNamespaces: UNKNOWN_WIRE.unknownArrayValue as unknown as string[] });
    const f = (await findings(pending)).filter((x) => x.policy === rule);
    expect(f.filter((x) => !x.undecided)).toEqual([]);
    expect(f.filter((x) => x.undecided)).toHaveLength(1);
  });
  test("shared tenancy (tenants on the ClusterSecretStore) is accepted only when configured", async () => {
    expect(await violations(tenant("team-a", { store: false }), rule, { [rule]: { allowSharedTenancy: true } })).toEqual([]);
  });
});

describe("tenant-reach-disjoint", () => {
  const rule = "tenant-reach-disjoint";
  const templated = renderPolicyHcl(templatedTenantPolicy("vault-eso-tenants", "secret", "auth_k8s", (t) => `acme/apps/${t}`));
  test("passes per-tenant policies and one templated policy resolved per tenant", async () => {
    expect(await violations([kvMount, ...tenant("team-a"), ...tenant("team-b"), ...tenant("team-c")], rule)).toEqual([]);
    const shared = [policy("vault-eso-tenants", templated), ...["team-a", "team-b"].flatMap((t) => tenant(t, { policyName: "vault-eso-tenants", policyHcl: "" }))];
    expect(await violations([kvMount, ...shared], rule)).toEqual([]);
  });
  test("sdk/helper/policyutil SanitizePolicies: a role attaching root (any spelling: Vault trims and lower-cases, and root then stands alone) is a violation, not a crash", async () => {
    for (const root of ["root", "ROOT", " Root "]) {
      const withRoot = [policy("root", hcl([["secret/*", ["read"]]])), ...tenant("team-a", { tokenPolicies: ["tenant-team-a", root] }), ...tenant("team-b")];
      expect(await violations([kvMount, ...withRoot], rule)).toEqual([expect.stringContaining("attaches the root policy")]);
    }
  });
  test("fails a widened tenant policy that reaches a sibling", async () => {
    const wide = tenant("team-a", { policyHcl: hcl([["secret/data/acme/apps/team*", ["read"]]]) });
    expect(await violations([kvMount, ...wide, ...tenant("team-b")], rule)).toEqual([expect.stringMatching(/tenants "team-a" and "team-b" both reach "secret\/data\/acme\/apps\/team-b\/w" \(team-a: read; team-b: read\)/)]);
  });
  test("fails a shared policy whose paths forgot the identity template (every tenant reads the same subtree)", async () => {
    const same = [policy("vault-eso-tenants", renderPolicyHcl(tenantReadPolicy("vault-eso-tenants", "secret", "acme/apps"))), ...["team-a", "team-b"].flatMap((t) => tenant(t, { policyName: "vault-eso-tenants", policyHcl: "" }))];
    expect(await violations([kvMount, ...same], rule)).toHaveLength(1);
  });
  test("a leading slash does not hide an overlap", async () => {
    const a = tenant("team-a", { policyHcl: hcl([["/secret/data/acme/apps/team-b/*", ["read"]]]) });
    expect(await violations([kvMount, ...a, ...tenant("team-b")], rule)).toHaveLength(1);
  });
  test("finds overlaps that no single probe of either rule would hit (+ against a subtree)", async () => {
    const a = tenant("team-a", { policyHcl: hcl([["secret/data/acme/apps/+/config/*", ["read"]]]) });
    expect(await violations([kvMount, ...a, ...tenant("team-b")], rule)).toEqual([expect.stringContaining('both reach "secret/data/acme/apps/team-b/config/w"')]);
  });
  test("a deny in the tenant's own policies removes the overlap, as in Vault", async () => {
    const a = tenant("team-a", { policyHcl: hcl([["secret/data/acme/apps/*", ["read"]], ["secret/data/acme/apps/team-b/*", ["deny"]], ["secret/metadata/acme/apps/team-b/*", ["deny"]]]) });
    expect(await violations([kvMount, ...a, ...tenant("team-b")], rule)).toEqual([]);
  });
  test("a ClusterSecretStore whose identity reaches a tenant's subtree fails unless shared tenancy is accepted", async () => {
    const eso: R[] = [
      policy("eso-read", hcl([["secret/data/acme/*", ["read"]]])),
      { type: "vault:kubernetes/authBackendRole:AuthBackendRole", name: "eso-role", props: { roleName: "external-secrets", boundServiceAccountNames: ["external-secrets"], boundServiceAccountNamespaces: ["external-secrets"], tokenPolicies: ["eso-read"] } },
      {
        type: "kubernetes:external-secrets.io/v1:ClusterSecretStore",
        name: "cluster",
        props: { metadata: { name: "vault-backend" }, spec: { provider: { vault: { auth: { kubernetes: { role: "external-secrets", serviceAccountRef: { name: "external-secrets", namespace: "external-secrets" } } } } } } },
      },
    ];
    expect(await violations([kvMount, ...eso, ...tenant("team-a")], rule)).toEqual([
      'ClusterSecretStore "vault-backend" (role "external-secrets") reaches "secret/data/acme/apps/team-a/w" of tenant "team-a": every namespace the store serves can read it',
    ]);
    // The same policy on a token the stack mints (a token-auth ClusterSecretStore) is caught too.
    const token: R = { type: "vault:index/token:Token", name: "eso-token", props: { policies: ["eso-read"], period: "24h", explicitMaxTtl: "720h" } };
    expect(await violations([kvMount, eso[0], token, ...tenant("team-a")], rule)).toEqual([expect.stringContaining('vault.Token "eso-token" reaches "secret/data/acme/apps/team-a/w"')]);
    expect(await violations([kvMount, ...eso, ...tenant("team-a")], rule, { [rule]: { allowSharedTenancy: true } })).toEqual([]);
    const besides = [policy("eso-read", hcl([["secret/data/acme/shared/*", ["read"]]])), ...eso.slice(1)];
    expect(await violations([kvMount, ...besides, ...tenant("team-a")], rule)).toEqual([]);
  });
  test("a role attaching a policy the stack does not write fails unless trusted", async () => {
    const ext = tenant("team-a", { tokenPolicies: ["tenant-team-a", "legacy-admin"] });
    expect(await violations([kvMount, ...ext], rule)).toEqual(['tenant "team-a" (role "tenant-team-a") attaches policy "legacy-admin", which this stack does not write, so its reach cannot be checked']);
    expect(await violations([kvMount, ...ext], rule, { [rule]: { trustedExternalPolicies: ["legacy-admin"] } })).toEqual([]);
  });
  test("unknown role policies or policy text (preview) are undecided, and known overlaps are still reported", async () => {
    const stack = [
      kvMount,
      ...tenant("team-x", { tokenPolicies: UNKNOWN_WIRE.unknownArrayValue }),
      policy("vault-eso-tenants", UNKNOWN_WIRE.unknownStringValue),
      ...tenant("team-y", { policyName: "vault-eso-tenants", policyHcl: "" }),
      ...tenant("team-a", { policyHcl: hcl([["secret/data/acme/apps/team*", ["read"]]]) }),
      ...tenant("team-b"),
    ];
    const f = (await findings(stack)).filter((x) => x.policy === rule);
    expect(f.filter((x) => !x.undecided).map((x) => x.message)).toEqual([expect.stringContaining('tenants "team-a" and "team-b" both reach')]);
    expect(f.filter((x) => x.undecided)).toHaveLength(1);
  });
});

describe("policyPathsMeet (policies/vault/patterns.ts): a path two Vault patterns both match", () => {
  test.each<[string, string, string | undefined]>([
    ["a/b/*", "a/b/c", "a/b/c"],
    ["a/b/*", "a/c/*", undefined],
    ["a/team*", "a/team-b/*", "a/team-b/w"],
    ["a/+/c", "a/b/+", "a/b/c"],
    ["a/+/c", "a/b/d", undefined],
    ["a/b", "a/b/*", undefined],
    ["a/+/x/*", "a/b/*", "a/b/x/w"],
    ["a/b/c", "a/b/c", "a/b/c"],
    ["a/bc*", "a/b*", "a/bc"],
  ])("%s and %s -> %s", (x, y, expected) => {
    expect(policyPathsMeet(x, y)).toBe(expected);
    expect(policyPathsMeet(y, x)).toBe(expected);
  });
});

describe("issue 18 class 1: vault-policy-least-privilege judges patterns against the sensitive path space, not probes", () => {
  const rule = "vault-policy-least-privilege";
  const tpl = "{{identity.entity.metadata.team}}";
  test.each<[string, Array<[string, string[]]>, string]>([
    ["+ as the first segment rewrites every ACL policy (no sudo needed)", [["+/policies/acl/*", ["update"]]], 'path "+/policies/acl/*" reaches sensitive endpoints: ACL and other policies at "sys/policies/acl/x" (update)'],
    ["a template that resolves to sys unmounts the KV store", [[`${tpl}/mounts/*`, ["delete"]]], 'secrets engine mounts at "sys/mounts/x" (delete)'],
    ["a template whose value holds a slash", [[`${tpl}/x`, ["update"]]], 'ACL and other policies at "sys/policy/x"'],
    ["a prefix that ends inside a segment", [["sys/pol*", ["create"]]], 'ACL and other policies at "sys/policy/x" (create)'],
    ["another namespace's sys/ (Vault Enterprise)", [["ns1/sys/policies/acl/*", ["update"]]], 'ACL and other policies at "ns1/sys/policies/acl/x" (update)'],
    ["an auth role under any mount path", [["+/kubernetes/prod/role/*", ["update"]]], 'auth method roles at "auth/kubernetes/prod/role/x" (update)'],
    ["token creation through a wildcard", [["auth/+/create*", ["update"]]], 'token creation and revocation at "auth/token/create" (update)'],
    ["reading raw storage", [["sys/r*", ["read"]]], 'raw storage at "sys/raw" (read)'],
  ])("fails %s", async (_d, rules, words) => {
    expect((await violations(policy("p", hcl(rules)), rule)).join("\n")).toContain(words);
  });
});

describe("issue 18 class 2: names as Vault stores them (vault/policy_store.go sanitizeName; vault-plugin-auth-kubernetes path_role.go; identity_store_schema.go)", () => {
  test("a policy named like a tenant's but for case and whitespace IS that tenant's policy: judged as such, and it clashes with the tenant's own", async () => {
    const wide = policy(" Tenant-Team-B", hcl([["secret/data/acme/apps/*", ["read"]]]));
    const all = [kvMount, ...tenant("team-a"), ...tenant("team-b"), wide];
    expect((await violations(all, "tenant-policy-in-subtree")).join("\n")).toContain('no segment named after tenant "team-b"');
    expect(await violations(all, "vault-names-unique")).toEqual([expect.stringContaining('policy " Tenant-Team-B" ( Tenant-Team-B) is the same Vault object as "tenant-team-b" (tenant-team-b): Vault stores both as "tenant-team-b"')]);
  });
  test("a role attaching a tenant's policy under another spelling attaches that policy (reach judged), and a trusted name matches in any spelling", async () => {
    const borrowed = tenant("team-a", { tokenPolicies: ["tenant-team-a", "TENANT-TEAM-B "] });
    expect(await violations([kvMount, ...borrowed, ...tenant("team-b")], "tenant-reach-disjoint")).toEqual([expect.stringMatching(/^tenants "team-a" and "team-b" both reach "secret\/data\/acme\/apps\/team-b\//)]);
    const ext = tenant("team-a", { tokenPolicies: ["tenant-team-a", "Legacy-Admin"] });
    expect(await violations([kvMount, ...ext], "tenant-reach-disjoint", { "tenant-reach-disjoint": { trustedExternalPolicies: ["legacy-admin "] } })).toEqual([]);
  });
  test("Kubernetes auth roles, identity groups and aliases differing only in case are one object; token roles are exact", async () => {
    const k8s = (name: string, roleName: string): R => ({ type: "vault:kubernetes/authBackendRole:AuthBackendRole", name, props: { roleName, backend: "kubernetes" } });
    const group = (name: string, n: string): R => ({ type: "vault:identity/group:Group", name, props: { name: n } });
    const tokenRole = (name: string, roleName: string): R => ({ type: "vault:tokenauth/authBackendRole:AuthBackendRole", name, props: { roleName } });
    expect(await violations([k8s("a", "tenant-a"), k8s("b", "Tenant-A")], "vault-names-unique")).toHaveLength(1);
    expect(await violations([k8s("a", "tenant-a"), { ...k8s("b", "Tenant-A"), props: { roleName: "Tenant-A", backend: "kubernetes-2" } }], "vault-names-unique")).toEqual([]);
    expect(await violations([group("a", "writers"), group("b", "Writers")], "vault-names-unique")).toHaveLength(1);
    expect(await violations([tokenRole("a", "renewer"), tokenRole("b", "Renewer")], "vault-names-unique")).toEqual([]);
  });
  test("a tenant's store naming its role in another case logs in with that role", async () => {
    expect(await violations(tenant("team-a", { storeRole: "Tenant-Team-A" }), "tenant-own-role-and-store")).toEqual([]);
  });
});

describe("issue 18 class 3: every identity that can hold a policy, and raw writes", () => {
  const rule = "tenant-reach-disjoint";
  const wide = policy("reader", hcl([["secret/data/acme/apps/*", ["read"]]]));
  test.each<[string, R]>([
    ["a Kubernetes auth role bound to a non-tenant namespace", { type: "vault:kubernetes/authBackendRole:AuthBackendRole", name: "ci", props: { roleName: "ci", boundServiceAccountNamespaces: ["ci"], boundServiceAccountNames: ["runner"], tokenPolicies: ["reader"] } }],
    ["an AppRole role", { type: "vault:appRole/authBackendRole:AuthBackendRole", name: "app", props: { roleName: "app", tokenPolicies: ["reader"] } }],
    ["a JWT/OIDC role", { type: "vault:jwt/authBackendRole:AuthBackendRole", name: "gha", props: { roleName: "gha", tokenPolicies: ["reader"] } }],
    ["a token role (allowed_policies)", { type: "vault:tokenauth/authBackendRole:AuthBackendRole", name: "tr", props: { roleName: "tr", allowedPolicies: ["reader"] } }],
    ["an identity entity", { type: "vault:identity/entity:Entity", name: "bob", props: { name: "bob", policies: ["reader"] } }],
    ["an identity group that is no tenant's", { type: "vault:identity/group:Group", name: "ops", props: { name: "ops", policies: ["reader"] } }],
    ["identity group policies", { type: "vault:identity/groupPolicies:GroupPolicies", name: "gp", props: { groupId: "g1", policies: ["reader"] } }],
    ["identity entity policies", { type: "vault:identity/entityPolicies:EntityPolicies", name: "ep", props: { entityId: "e1", policies: ["reader"] } }],
    ["an LDAP group", { type: "vault:ldap/authBackendGroup:AuthBackendGroup", name: "lg", props: { groupname: "devs", policies: ["reader"] } }],
  ])("%s that reaches two tenants' subtrees combines them: a violation per tenant", async (_d, holder) => {
    const v = await violations([kvMount, wide, holder, ...tenant("team-a"), ...tenant("team-b")], rule);
    expect(v).toEqual([expect.stringMatching(/reaches "secret\/data\/acme\/apps\/team-a\/.*" of tenant "team-a" \(it combines tenants "team-a", "team-b"\)/), expect.stringMatching(/of tenant "team-b"/)]);
  });
  test("a Kubernetes auth role bound by glob or selector acts for every tenant namespace it admits", async () => {
    const templated = renderPolicyHcl(templatedTenantPolicy("vault-eso-tenants", "secret", "auth_k8s", (t) => `acme/apps/${t}`));
    const glob: R = { type: "vault:kubernetes/authBackendRole:AuthBackendRole", name: "any", props: { roleName: "any", boundServiceAccountNamespaces: ["team-*"], boundServiceAccountNames: ["x"], tokenPolicies: ["reader"] } };
    expect(await violations([kvMount, wide, glob, ...tenant("team-a"), ...tenant("team-b")], rule)).toEqual(expect.arrayContaining([expect.stringMatching(/^tenants "team-a" and "team-b" both reach/)]));
    // The templated policy resolves per namespace: a glob role with it still reads each tenant's own subtree only.
    const own = { ...glob, props: { ...glob.props, tokenPolicies: ["vault-eso-tenants"] } };
    expect(await violations([kvMount, policy("vault-eso-tenants", templated), own, ...tenant("team-a"), ...tenant("team-b")], rule)).toEqual([]);
  });
  test("an identity whose template it cannot resolve (entity data others may write) is judged at its worst", async () => {
    const tpl = policy("per-team", hcl([["secret/data/acme/apps/{{identity.entity.metadata.team}}/*", ["read"]]]));
    const app: R = { type: "vault:appRole/authBackendRole:AuthBackendRole", name: "app", props: { roleName: "app", tokenPolicies: ["per-team"] } };
    expect(await violations([kvMount, tpl, app, ...tenant("team-a")], rule)).toEqual([expect.stringMatching(/holds the templated path .* can reach "secret\/data\/acme\/apps\/team-a\/.*" of tenant "team-a"/)]);
  });
  test("a token role allowing policies by glob cannot be bounded", async () => {
    const tr: R = { type: "vault:tokenauth/authBackendRole:AuthBackendRole", name: "tr", props: { roleName: "tr", allowedPoliciesGlobs: ["tenant-*"] } };
    expect(await violations([kvMount, tr, ...tenant("team-a")], rule)).toEqual([expect.stringContaining('token role "tr" allows policies by glob')]);
  });
  test("identities that reach only beside the tenants pass (the rule is not 'refuse every identity')", async () => {
    const beside = policy("reader", hcl([["secret/data/acme/shared/*", ["read"]]]));
    const app: R = { type: "vault:appRole/authBackendRole:AuthBackendRole", name: "app", props: { roleName: "app", tokenPolicies: ["reader"] } };
    expect(await violations([kvMount, beside, app, ...tenant("team-a"), ...tenant("team-b")], rule)).toEqual([]);
  });

  describe("vault-raw-write-paths", () => {
    const raw = "vault-raw-write-paths";
    const endpoint = (path: unknown): R => ({ type: "vault:generic/endpoint:Endpoint", name: "e", props: { path, dataJson: "{}" } });
    test.each<[string, R, string]>([
      ["a policy written as a raw endpoint", endpoint("sys/policies/acl/tenant-team-b"), "ACL and other policies"],
      ["a role bound to any namespace", endpoint("auth/kubernetes/role/everyone"), "auth method roles"],
      ["an identity group", endpoint("identity/group/name/writers"), "identity entities, groups and aliases"],
      ["auth configuration", endpoint("auth/jwt/config"), "auth method configuration"],
      ["another namespace's sys/", endpoint("ns1/sys/mounts/kv"), "secrets engine mounts"],
      ["a leading slash", { type: "vault:generic/secret:Secret", name: "s", props: { path: "/sys/policy/x", dataJson: "{}" } }, "ACL and other policies"],
      ["any other sys/ path", { type: "vault:kv/secret:Secret", name: "s", props: { path: "sys/health", dataJson: "{}" } }, "Vault's own configuration"],
    ])("refuses %s", async (_d, r, words) => {
      expect((await violations(r, raw)).join("\n")).toContain(words);
    });
    test("allows KV data writes, and an unknown path is undecided", async () => {
      expect(await violations({ type: "vault:kv/secretV2:SecretV2", name: "s", props: { mount: "secret", name: "acme/shared/db", dataJson: "{}" } }, raw)).toEqual([]);
      expect(await violations({ type: "vault:generic/secret:Secret", name: "s", props: { path: "secret/data/sys/x", dataJson: "{}" } }, raw)).toEqual([]);
      expect(await undecided(endpoint(UNKNOWN_WIRE.unknownStringValue), raw)).toHaveLength(1);
    });
  });
});

test("vault-policy-least-privilege: a KV v1 path reads as a possible namespace until its mount is listed in `mounts`", async () => {
  const rule = "vault-policy-least-privilege";
  const p = policy("p", hcl([["kv1/team/*", ["read", "list"]]]));
  expect((await violations(p, rule)).join("\n")).toContain('raw storage at "kv1/team/sys/raw"');
  expect(await violations(p, rule, { [rule]: { mounts: ["kv1"] } })).toEqual([]);
});
