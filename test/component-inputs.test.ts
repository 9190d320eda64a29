/**
 * Components take Outputs where wiring happens and check every value with the config's own schemas (issue 20
 * point 1, issue 18 class 9), under the mock engine:
 * - a known value the config refuses (glob or climbing subtree, glob kvPath, reserved tenant name...) is refused
 *   before anything registers, naming the field;
 * - (the same value arriving as an Output fails the children it feeds under the real runtime:
 *   test/engine/component-provider.test.ts);
 * - an Output where a field decides which resources exist (a mode, a switch) is refused, naming the field;
 * - known Outputs register exactly what the literals register.
 * The gRPC side (how Construct delivers Outputs, unknowns in a preview) is test/engine/component-provider.test.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks, MockEngine } from "./helpers/mocks";
import { TenantNamespace, TenantNamespaceArgs } from "../components/tenants/tenant-namespace";
import { VaultBackend, VaultBackendArgs } from "../components/vault-backend/vault-backend";
import { ClusterStore, ClusterStoreArgs } from "../components/stores/cluster-store";
import { ReloaderInstall } from "../components/reloader/reloader-install";
import { InputError } from "../components/config/errors";
import { deferredProblems } from "../components/config/component-inputs";

const engine: MockEngine = installMocks("inputs");

const tenant: TenantNamespaceArgs = {
  name: "team-a",
  subtree: "acme/dev/apps/team-a",
  vaultServer: "https://vault.example.com:8200",
  developers: { groups: ["team-a-devs"] },
  developerClusterRole: "namespace-developer",
  externalSecrets: [{ name: "db", data: [{ secretKey: "password", remoteRef: { key: "db", property: "password" } }] }],
  push: { secrets: [{ name: "gen", secretName: "generated", data: [{ secretKey: "token", remoteKey: "generated" }] }] },
  writers: { alias: { mountAccessor: "auth_oidc_1a2b3c4d", name: "team-a-writers" } },
};
const backend: VaultBackendArgs = {
  kubernetesHost: "https://api.my-cluster:6443",
  kubernetesCaCert: "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n",
  eso: { namespace: "external-secrets", scope: "platform/shared" },
};
const store: ClusterStoreArgs = {
  server: "https://vault.example.com:8200",
  auth: { kind: "kubernetes", serviceAccount: { name: "external-secrets", namespace: "external-secrets" }, tokenReview: "clientJwt" },
  conditions: { namespaces: ["team-a"] },
};

/** Every string leaf of `args` (at the fields a component takes as Inputs) wrapped in a known Output. */
function outputsAt<T>(args: T, paths: string[]): T {
  const copy = JSON.parse(JSON.stringify(args));
  for (const p of paths) {
    const keys = p.split(".");
    const last = keys.pop()!;
    const parent = keys.reduce((o, k) => o[k], copy);
    parent[last] = pulumi.output(parent[last]);
  }
  return copy;
}

const children = (prefix: string) =>
  engine.resources
    .filter((r) => r.name.startsWith(`${prefix}-`))
    .map((r) => ({ type: r.type, name: r.name.slice(prefix.length), inputs: r.inputs }))
    .sort((a, b) => a.name.localeCompare(b.name));

const expectRefused = (build: () => unknown, ...fragments: string[]) => {
  const before = engine.resources.length;
  let caught: unknown;
  try {
    build();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  for (const f of fragments) expect((caught as Error).message).toContain(f);
  expect(engine.resources.length).toBe(before);
};

describe("known values the config refuses are refused before anything registers (issue 18 class 9)", () => {
  test.each([
    ["a glob subtree", { subtree: "acme/*" }, "subtree:"],
    ["a '+' subtree", { subtree: "+/apps" }, "subtree:"],
    ["an empty subtree", { subtree: "" }, "subtree:"],
    ["a climbing subtree", { subtree: "acme/../team-b" }, "subtree:"],
    ["an absolute subtree", { subtree: "/acme/team-a" }, "subtree:"],
    ["a glob kvPath", { kvPath: "secret*" }, "kvPath:"],
    ["a kvPath with a slash", { kvPath: "secret/data" }, "kvPath:"],
    ["a reserved tenant name", { name: "kube-system" }, "name:"],
    ["a tenant name that is no DNS label", { name: "Team_A" }, "name:"],
    ["a bad service account", { serviceAccountName: "Not Valid" }, "serviceAccountName:"],
    ["a TTL above its max", { tokenTtlSeconds: 7200, tokenMaxTtlSeconds: 3600 }, "tokenTtlSeconds:"],
  ])("TenantNamespace: %s", async (_what, change, field) => {
    expectRefused(() => new TenantNamespace("bad", { ...tenant, ...change } as TenantNamespaceArgs), "TenantNamespace bad", field);
  });

  test("VaultBackend: a glob ESO scope, an upper-case policy name, a climbing extra subtree", () => {
    expectRefused(() => new VaultBackend("bad", { ...backend, eso: { scope: "platform/*" } }), "eso.scope:");
    expectRefused(() => new VaultBackend("bad", { ...backend, eso: { policy: "ESO-Read" } }), "eso.policy:");
    expectRefused(() => new VaultBackend("bad", { ...backend, eso: { extraReadSubtrees: ["acme/../x"] } }), "eso.extraReadSubtrees[0]:");
  });

  test("ClusterStore: a mount path with a slash, a service account namespace that is no label", () => {
    expectRefused(() => new ClusterStore("bad", { ...store, mountPath: "secret/data" }), "mountPath:");
    expectRefused(() => new ClusterStore("bad", { ...store, auth: { kind: "kubernetes", serviceAccount: { namespace: "ESO" } } }), "auth.serviceAccount.namespace:");
  });

  test("developers without the ClusterRole they are bound to are refused (a binding to nothing)", () => {
    expectRefused(() => new TenantNamespace("bad", { ...tenant, developerClusterRole: undefined }), "developers:", "developerClusterRole");
  });
});

describe("an Output where a field decides which resources exist is refused, naming the field", () => {
  test("TenantNamespace tokenReview (decides the auth-delegator binding), store, policy.mode", () => {
    expectRefused(() => new TenantNamespace("bad", { ...tenant, tokenReview: pulumi.output("clientJwt") as never }), "tokenReview: an Output");
    expectRefused(() => new TenantNamespace("bad", { ...tenant, store: pulumi.output({ mode: "isolated" }) as never }), "store: an Output", "store.clusterStoreName");
    expectRefused(() => new TenantNamespace("bad", { ...tenant, policy: { mode: pulumi.output("perTenant") as never } }), "policy.mode: an Output");
    expectRefused(() => new TenantNamespace("bad", { ...tenant, externalSecrets: pulumi.output([]) as never }), "externalSecrets: an Output");
  });

  test("VaultBackend tokenReview.mode, ClusterStore auth.kind, ReloaderInstall resources", () => {
    expectRefused(() => new VaultBackend("bad", { ...backend, tokenReview: { mode: pulumi.output("clientJwt") as never } }), "tokenReview.mode: an Output");
    expectRefused(() => new ClusterStore("bad", { ...store, auth: { ...store.auth, kind: pulumi.output("kubernetes") as never } }), "auth.kind: an Output");
    expectRefused(() => new ReloaderInstall("bad", { watchNamespaces: [], resources: pulumi.output({}) as never }), "resources: an Output");
  });

  test("the runtime's unknown sentinel (a preview's unknown inside a Construct) counts as an Output", () => {
    expect(deferredProblems({ a: { b: pulumi.unknown } }, ["a.c"])).toEqual([expect.stringMatching(/^a\.b: an Output/)]);
    expect(deferredProblems({ a: [{ b: pulumi.unknown }] }, ["a[].b"])).toEqual([]);
  });
});

describe("known Outputs register exactly what the literals register", () => {
  test.each([
    ["TenantNamespace", (n: string, o: boolean) => new TenantNamespace(n, o ? outputsAt(tenant, ["name", "subtree", "vaultServer", "developerClusterRole"]) : tenant)],
    ["VaultBackend", (n: string, o: boolean) => new VaultBackend(n, o ? outputsAt(backend, ["kubernetesHost", "kubernetesCaCert", "eso.namespace", "eso.scope"]) : backend)],
    ["ClusterStore", (n: string, o: boolean) => new ClusterStore(n, o ? outputsAt(store, ["server", "auth.serviceAccount.namespace", "auth.tokenReview", "conditions.namespaces"]) : store)],
  ])("%s", async (c, build) => {
    build(`plain${c}`, false);
    build(`wired${c}`, true);
    await engine.settle();
    const plain = children(`plain${c}`);
    expect(plain.length).toBeGreaterThan(0);
    expect(JSON.stringify(children(`wired${c}`)).replaceAll(`wired${c}`, `plain${c}`)).toEqual(JSON.stringify(plain));
  });
});
