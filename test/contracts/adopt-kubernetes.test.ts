/**
 * Adopting existing Kubernetes objects and the ESO Helm release
 * (`vault-eso:adopt.kubernetes`, components/vault-backend/adopt.ts) and the
 * pure parts of `npm run adopt` (scripts/lib/adopt/): the provider's import
 * IDs and import step, Helm's ownership rules, ESO's versions and ownership
 * semantics, and the preview model's verdicts. Upstream sources are cited in
 * test/contracts/models/pulumi-kubernetes-import.ts, components/vault-backend/adopt-kinds.ts,
 * scripts/lib/adopt/versions.ts and scripts/lib/adopt/model.ts.
 */
import { ADOPTABLE_KINDS, CLUSTER_SCOPED_KINDS, HELM_RELEASE_TYPE, kindOfObject, kindOfType, kubernetesImportId } from "../../components/vault-backend/adopt-kinds";
import { adoptionFor, adoptionPlan, adoptTransformations } from "../../components/vault-backend/adopt";
import { ConfigError, parseStackConfig } from "../../components/config/config";
import { parseKubeDump, readVaultDir, AdoptInputError, type DirReader, type KubeObject, type VaultDump } from "../../scripts/lib/adopt/dump";
import { crdStoragePlan, upgradePath } from "../../scripts/lib/adopt/versions";
import { commonDirectory, planAdoption, storeRelativeKey } from "../../scripts/lib/adopt/plan";
import { modelPreview, type Registration } from "../../scripts/lib/adopt/model";
import { objectsToAdopt } from "../../scripts/lib/adopt/adopt-objects";
import { renderCaptured } from "../../scripts/lib/render-files";
import { flat, validSections } from "../helpers/fixtures";
import { helmOwnershipProblems, parseFqName } from "./models/pulumi-kubernetes-import";

const k8sPlan = (objects: Array<{ kind: (typeof ADOPTABLE_KINDS)[number]; name: string; namespace?: string }>, imported = false) =>
  adoptionPlan({ adopt: { kvMount: false, kubernetesAuthMount: false, policies: [], roles: [], auditDevices: [], kubernetes: { objects, imported } }, kv: { path: "secret" }, kubernetesAuth: { path: "kubernetes" } });

const TYPE: Record<string, string> = {
  Namespace: "kubernetes:core/v1:Namespace",
  Secret: "kubernetes:core/v1:Secret",
  ClusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  RoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  ExternalSecret: "kubernetes:external-secrets.io/v1:ExternalSecret",
  ClusterSecretStore: "kubernetes:external-secrets.io/v1:ClusterSecretStore",
  SecretStore: "kubernetes:external-secrets.io/v1:SecretStore",
  CronJob: "kubernetes:batch/v1:CronJob",
};

describe("import IDs (pulumi-kubernetes util.go parseFqName, provider.go Read, helm_release.go Read)", () => {
  test("every adoptable kind's ID parses back to its namespace and name; cluster-scoped kinds have no namespace part", () => {
    for (const kind of ADOPTABLE_KINDS) {
      const cluster = (CLUSTER_SCOPED_KINDS as readonly string[]).includes(kind);
      const id = kubernetesImportId({ name: "obj-1", ...(cluster ? {} : { namespace: "team-a" }) });
      expect(parseFqName(id)).toEqual({ namespace: cluster ? "" : "team-a", name: "obj-1" });
    }
    expect(kubernetesImportId({ namespace: "external-secrets", name: "external-secrets" })).toBe("external-secrets/external-secrets");
  });

  test("a registration's type maps to its kind in any version of the kind's group, and nothing else", () => {
    expect(kindOfType(TYPE.ExternalSecret)).toBe("ExternalSecret");
    expect(kindOfType("kubernetes:external-secrets.io/v1beta1:ExternalSecret")).toBe("ExternalSecret");
    expect(kindOfType(HELM_RELEASE_TYPE)).toBe("HelmRelease");
    expect(kindOfType("kubernetes:apps/v1:Deployment")).toBeUndefined();
    expect(kindOfType("kubernetes:cert-manager.io/v1:Secret")).toBeUndefined();
    expect(kindOfObject("external-secrets.io/v1beta1", "ClusterSecretStore")).toBe("ClusterSecretStore");
    expect(kindOfObject("v1", "Namespace")).toBe("Namespace");
    expect(kindOfObject("example.com/v1", "Namespace")).toBeUndefined();
  });
});

describe("the adoption transformation (step.go ImportStep / DeleteStep)", () => {
  const es = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "db", namespace: "team-a" }, spec: { refreshInterval: "1h" } };

  test("first up: import by <namespace>/<name>, every input but apiVersion/kind taken from the cluster, retained on delete", () => {
    const plan = k8sPlan([{ kind: "ExternalSecret", name: "db", namespace: "team-a" }]);
    expect(adoptionFor(plan, TYPE.ExternalSecret, es)).toEqual({ importId: "team-a/db", retainOnDelete: true, ignoreChanges: ["metadata", "spec"] });
  });

  test("once imported: no import, no ignored inputs (the next up updates in place), still retained on delete", () => {
    expect(adoptionFor(k8sPlan([{ kind: "ExternalSecret", name: "db", namespace: "team-a" }], true), TYPE.ExternalSecret, es)).toEqual({ retainOnDelete: true });
  });

  test("only the listed object: another name, namespace or kind, or a computed namespace, is created as usual", () => {
    const plan = k8sPlan([{ kind: "ExternalSecret", name: "db", namespace: "team-a" }]);
    expect(adoptionFor(plan, TYPE.ExternalSecret, { ...es, metadata: { name: "db", namespace: "team-b" } })).toBeUndefined();
    expect(adoptionFor(plan, TYPE.ExternalSecret, { ...es, metadata: { name: "other", namespace: "team-a" } })).toBeUndefined();
    expect(adoptionFor(plan, TYPE.SecretStore, es)).toBeUndefined();
    expect(adoptionFor(plan, TYPE.ExternalSecret, { ...es, metadata: { name: "db", namespace: { unknown: true } } })).toBeUndefined();
  });

  test("the Helm release matches by its name and namespace inputs; a cluster-scoped object by name alone", () => {
    const plan = k8sPlan([{ kind: "HelmRelease", name: "external-secrets", namespace: "external-secrets" }, { kind: "Namespace", name: "external-secrets" }]);
    const release = adoptionFor(plan, HELM_RELEASE_TYPE, { name: "external-secrets", namespace: "external-secrets", chart: "external-secrets", version: "2.9.0", values: {} });
    expect(release).toEqual({ importId: "external-secrets/external-secrets", retainOnDelete: true, ignoreChanges: ["name", "namespace", "chart", "version", "values"] });
    expect(adoptionFor(plan, TYPE.Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: "external-secrets" } })?.importId).toBe("external-secrets");
  });

  test("existing options are kept and merged (a component's own ignoreChanges stays)", () => {
    const [t] = adoptTransformations(k8sPlan([{ kind: "Secret", name: "vault-token", namespace: "creds" }]));
    const out = t({ type: TYPE.Secret, name: "s", props: { metadata: { name: "vault-token", namespace: "creds" }, data: {} }, opts: { ignoreChanges: ["data"], parent: undefined } } as never) as unknown as { opts: Record<string, unknown> };
    expect(out.opts).toMatchObject({ import: "creds/vault-token", retainOnDelete: true, ignoreChanges: ["data", "metadata"] });
  });

  test("adopted Vault roles and policies are imported as they are while Kubernetes objects are, strictly otherwise", () => {
    const withK8s = adoptionPlan({ adopt: { kvMount: false, kubernetesAuthMount: false, policies: ["p"], roles: ["r"], auditDevices: [], kubernetes: { objects: [{ kind: "Namespace", name: "x" }], imported: false } }, kv: { path: "secret" }, kubernetesAuth: { path: "kubernetes" } });
    expect(adoptionFor(withK8s, "vault:kubernetes/authBackendRole:AuthBackendRole", { backend: "kubernetes", roleName: "r", audience: "vault", tokenPolicies: ["p"] })).toEqual({ importId: "auth/kubernetes/role/r", ignoreChanges: ["audience", "tokenPolicies"] });
    expect(adoptionFor(withK8s, "vault:index/policy:Policy", { name: "p", policy: "x" })).toEqual({ importId: "p", ignoreChanges: ["policy"] });
    const strict = adoptionPlan({ adopt: { kvMount: false, kubernetesAuthMount: false, policies: ["p"], roles: [], auditDevices: [] }, kv: { path: "secret" }, kubernetesAuth: { path: "kubernetes" } });
    expect(adoptionFor(strict, "vault:index/policy:Policy", { name: "p", policy: "x" })).toEqual({ importId: "p" });
  });
});

describe("the adopt.kubernetes config", () => {
  const parse = (objects: unknown[], extra: Record<string, unknown> = {}) =>
    parseStackConfig(flat({ ...validSections(), adopt: { kubernetes: { objects } }, ...extra }), { secretKeys: new Set(), readFile: () => "" });
  const problems = (objects: unknown[]) => {
    try {
      parse(objects);
      return [];
    } catch (e) {
      return (e as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
    }
  };

  test("a namespaced kind needs its namespace, a cluster-scoped one refuses it, a duplicate is named", () => {
    expect(problems([{ kind: "ExternalSecret", name: "db" }]).join()).toMatch(/namespaced: its import ID is <namespace>\/<name>/);
    expect(problems([{ kind: "Namespace", name: "a", namespace: "b" }]).join()).toMatch(/cluster-scoped: its import ID is its name alone/);
    expect(problems([{ kind: "Namespace", name: "a" }, { kind: "Namespace", name: "a" }]).join()).toMatch(/Namespace a is listed twice/);
    expect(problems([{ kind: "Deployment", name: "a", namespace: "b" }]).length).toBe(1);
  });

  test("an entry the stack no longer registers (its tenant removed) stays valid: it is the record of what the program must never delete", () => {
    expect(problems([{ kind: "Namespace", name: "team-gone" }, { kind: "HelmRelease", name: "external-secrets", namespace: "external-secrets" }])).toEqual([]);
  });
});

describe("Helm ownership (helm/helm v3.19.5 pkg/action/validate.go checkOwnership, install.go availableName)", () => {
  const deployment = (release: string, namespace = "external-secrets") =>
    ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "external-secrets",
        namespace,
        labels: { "app.kubernetes.io/name": "external-secrets", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "external-secrets-2.9.0" },
        annotations: { "meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": namespace },
      },
    }) as KubeObject;

  test("an object of another release cannot be taken over: the plan refuses a release not named like the program's", () => {
    expect(helmOwnershipProblems(deployment("eso"), "external-secrets", "external-secrets")).toHaveLength(1);
    expect(helmOwnershipProblems(deployment("external-secrets"), "external-secrets", "external-secrets")).toEqual([]);
    const refusals = planAdoption([deployment("eso")], emptyVault()).refusals.join("\n");
    expect(refusals).toMatch(/Helm release "eso".*validate\.go checkOwnership/);
    expect(planAdoption([deployment("external-secrets")], emptyVault()).refusals.join("\n")).not.toMatch(/checkOwnership/);
  });

  test("ESO without Helm's metadata is refused (Helm would not install over it)", () => {
    const bare = { ...deployment("x"), metadata: { name: "external-secrets", namespace: "external-secrets", labels: { "app.kubernetes.io/name": "external-secrets", "app.kubernetes.io/version": "v2.9.0" } } } as KubeObject;
    expect(planAdoption([bare], emptyVault()).refusals.join("\n")).toMatch(/not installed with Helm/);
  });

  test("a release Flux reconciles is named, with the command to suspend it (two owners of one release)", () => {
    const d = deployment("external-secrets");
    const flux = { ...d, metadata: { ...d.metadata, labels: { ...d.metadata.labels, "helm.toolkit.fluxcd.io/name": "eso", "helm.toolkit.fluxcd.io/namespace": "flux-system" } } } as KubeObject;
    expect(planAdoption([flux], emptyVault()).notes.join("\n")).toContain("Flux HelmRelease flux-system/eso: suspend it and take it out of Git before the first up (flux suspend helmrelease eso -n flux-system)");
    expect(planAdoption([d], emptyVault()).notes.join("\n")).not.toContain("Flux");
  });

  test("the existing release is imported (never installed a second time: the name is in use), in the namespace it lives in", () => {
    const regs: Registration[] = [{ type: HELM_RELEASE_TYPE, name: "eso-chart", inputs: { name: "external-secrets", namespace: "eso-system" }, options: {} }];
    expect(objectsToAdopt(regs, [deployment("external-secrets", "eso-system")])).toEqual([{ kind: "HelmRelease", name: "external-secrets", namespace: "eso-system" }]);
    expect(objectsToAdopt(regs, [deployment("external-secrets", "external-secrets")])).toEqual([]);
  });
});

describe("ESO versions (external-secrets docs/introduction/stability-support.md; config/crds/bases at v2.9.0)", () => {
  test("one minor at a time, across majors in release order", () => {
    expect(upgradePath("2.9.0")).toEqual([]);
    expect(upgradePath("2.8.1")).toEqual(["2.9.0"]);
    expect(upgradePath("1.3.2")).toEqual(["2.0.0", "2.1.0", "2.2.0", "2.3.0", "2.4.0", "2.5.0", "2.6.0", "2.7.0", "2.8.0", "2.9.0"]);
    expect(upgradePath("0.19.0")?.slice(0, 3)).toEqual(["0.20.0", "1.0.0", "1.1.0"]);
    expect(upgradePath("3.0.0")).toBeUndefined();
  });

  test("a jump of more than one minor is refused with the stepwise helm commands; one minor is a note", () => {
    const dep = (v: string) =>
      ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "external-secrets", namespace: "external-secrets", labels: { "app.kubernetes.io/name": "external-secrets", "helm.sh/chart": `external-secrets-${v}` }, annotations: { "meta.helm.sh/release-name": "external-secrets", "meta.helm.sh/release-namespace": "external-secrets" } },
      }) as KubeObject;
    const far = planAdoption([dep("2.6.0")], emptyVault()).refusals.join("\n");
    expect(far).toMatch(/3 minor versions behind/);
    expect(far).toContain("--version 2.7.0 --reuse-values && helm upgrade external-secrets external-secrets/external-secrets -n external-secrets --version 2.8.0");
    expect(planAdoption([dep("2.8.0")], emptyVault()).refusals.join("\n")).not.toMatch(/minor versions behind/);
  });

  test("v1beta1 still stored: a storage-version step per CRD; v1 not served: refused", () => {
    const crd = (stored: string[], v1Served: boolean) =>
      ({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "externalsecrets.external-secrets.io" }, spec: { names: { plural: "externalsecrets" }, versions: [{ name: "v1", served: v1Served }, { name: "v1beta1", served: !v1Served }] }, status: { storedVersions: stored } }) as KubeObject;
    expect(crdStoragePlan([crd(["v1beta1", "v1"], true)]).steps.join()).toMatch(/storedVersions still lists v1beta1.*kubectl get externalsecrets -A -o json \| kubectl replace -f -/);
    expect(crdStoragePlan([crd(["v1"], true)])).toEqual({ steps: [], refusals: [] });
    expect(crdStoragePlan([crd(["v1beta1"], false)]).refusals.join()).toMatch(/does not serve external-secrets.io\/v1/);
  });
});

describe("the dumps", () => {
  test("Lists are flattened, several documents read, empty ones skipped; a non-object is a user error naming the document", () => {
    const text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n";
    expect(parseKubeDump(text, "d.yaml").map((o) => o.metadata.name)).toEqual(["a", "b"]);
    expect(() => parseKubeDump("kind: Namespace\n", "d.yaml")).toThrow(AdoptInputError);
    expect(() => parseKubeDump("a: [\n", "d.yaml")).toThrow(/document 1 is not valid YAML/);
  });

  test("the Vault directory mirrors the API paths; `vault read` answers are unwrapped from data", () => {
    const files: Record<string, string> = {
      "v/secrets.json": JSON.stringify({ "secret/": { type: "kv", options: { version: "2" } } }),
      "v/auth.json": JSON.stringify({ "kubernetes/": { type: "kubernetes" } }),
      "v/policies/p.hcl": 'path "x" {}',
      "v/auth/kubernetes/config.json": JSON.stringify({ request_id: "1", data: { kubernetes_host: "https://h" } }),
      "v/auth/kubernetes/role/r.json": JSON.stringify({ data: { token_policies: ["p"] } }),
    };
    const dirs = new Set(["v", "v/policies", "v/auth", "v/auth/kubernetes", "v/auth/kubernetes/role"]);
    const reader: DirReader = {
      exists: (p) => p in files || dirs.has(p),
      isDir: (p) => dirs.has(p),
      read: (p) => files[p],
      list: (p) => [...new Set([...Object.keys(files), ...dirs].filter((f) => f.startsWith(`${p}/`)).map((f) => f.slice(p.length + 1).split("/")[0]))],
    };
    const v = readVaultDir("v", reader);
    expect(v.policies).toEqual({ p: 'path "x" {}' });
    expect(v.authConfigs.kubernetes).toEqual({ kubernetes_host: "https://h" });
    expect(v.roles.kubernetes.r).toEqual({ token_policies: ["p"] });
    delete files["v/auth.json"];
    expect(() => readVaultDir("v", reader)).toThrow(/auth.json is missing. Fix: vault auth list -format=json/);
  });
});

describe("ExternalSecrets into tenants (ESO client_get.go buildPath; externalsecret_controller.go applyOwnership)", () => {
  test("keys are taken relative to the mount as ESO resolves them, and a tenant's subtree is the directory they share", () => {
    expect(storeRelativeKey("secret/data/team/a", "secret")).toBe("team/a");
    expect(storeRelativeKey("team/a", "secret")).toBe("team/a");
    expect(commonDirectory(["team/app/a", "team/app/b/c"])).toBe("team/app");
    expect(commonDirectory(["secret1"])).toBe("");
  });

  test("a PushSecret on the adopted store is left, marked as one that stops writing (the program's ESO identity only reads)", () => {
    const store = { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "vault-backend" }, spec: { provider: { vault: { server: "https://v", path: "secret", version: "v2", auth: { kubernetes: { mountPath: "kubernetes", role: "eso" } } } } } } as KubeObject;
    const ps = (kind: string) => ({ apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", metadata: { name: `p-${kind}`, namespace: "team-a" }, spec: { secretStoreRefs: [{ kind, name: "vault-backend" }] } }) as KubeObject;
    const plan = planAdoption([store, ps("ClusterSecretStore"), ps("SecretStore")], { ...emptyVault(), auths: { "kubernetes/": { type: "kubernetes" } } }, { kubernetesHost: "https://kubernetes.default.svc" });
    expect(plan.leftAlone.map((l) => [l.object, l.breaks])).toEqual([["PushSecret team-a/p-ClusterSecretStore", true], ["PushSecret team-a/p-SecretStore", false]]);
  });

  test("an ExternalSecret that merges into a Secret it does not own is left as it is (switching it to Owner changes who deletes the Secret)", () => {
    const store = { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "vault-backend" }, spec: { provider: { vault: { server: "https://v", path: "secret", version: "v2", auth: { kubernetes: { mountPath: "kubernetes", role: "eso" } } } } } } as KubeObject;
    const es = (name: string, creationPolicy: string) =>
      ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name, namespace: "team-a" }, spec: { secretStoreRef: { kind: "ClusterSecretStore", name: "vault-backend" }, target: { creationPolicy }, data: [{ secretKey: "k", remoteRef: { key: "team-a/x" } }] } }) as KubeObject;
    const plan = planAdoption([store, es("merged", "Merge"), es("owned", "Owner")], { ...emptyVault(), auths: { "kubernetes/": { type: "kubernetes" } } }, { kubernetesHost: "https://kubernetes.default.svc" });
    expect(plan.leftAlone.map((l) => l.object)).toEqual(["ExternalSecret team-a/merged"]);
    const tenants = plan.config["vault-eso:tenants"] as Array<{ name: string; path: string; externalSecrets: Array<{ name: string; data: unknown }> }>;
    expect(tenants).toEqual([{ name: "team-a", path: "team-a", externalSecrets: [{ name: "owned", refreshInterval: "1h", data: [{ secretKey: "k", remoteRef: { key: "x" } }] }] }]);
  });
});

describe("the preview model (scripts/lib/adopt/model.ts)", () => {
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } } as KubeObject;
  const es = (target = "db") => ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "db", namespace: "team-a" }, spec: { secretStoreRef: { kind: "ClusterSecretStore", name: "vault-backend" }, target: { name: target } } });
  const store = { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "vault-backend" } } as KubeObject;
  const reg = (type: string, inputs: Record<string, any>, options: Registration["options"], extra: Partial<Registration> = {}): Registration => ({ type, name: `r-${inputs.metadata.name}`, inputs, options, ...extra });
  const adopted = (id: string, inputs: Record<string, any>) => ({ importId: id, retainOnDelete: true, ignoreChanges: Object.keys(inputs).filter((k) => k !== "apiVersion" && k !== "kind") });

  test("an existing object created, imported under the wrong ID or without retainOnDelete, or an import of a missing one: each a problem", () => {
    const nsInputs = { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } };
    expect(modelPreview([reg(TYPE.Namespace, nsInputs, {})], [ns]).problems.join()).toMatch(/AlreadyExists/);
    expect(modelPreview([reg(TYPE.Namespace, nsInputs, { ...adopted("team-a", nsInputs), importId: "default/team-a" })], [ns]).problems.join()).toMatch(/pulumi-kubernetes reads "team-a"/);
    expect(modelPreview([reg(TYPE.Namespace, nsInputs, { ...adopted("team-a", nsInputs), retainOnDelete: undefined })], [ns]).problems.join()).toMatch(/without retainOnDelete/);
    expect(modelPreview([reg(TYPE.Namespace, nsInputs, { ...adopted("team-a", nsInputs), ignoreChanges: [] })], [ns]).problems.join()).toMatch(/compares metadata/);
    expect(modelPreview([reg(TYPE.Namespace, nsInputs, adopted("team-a", nsInputs))], []).problems.join()).toMatch(/does not exist/);
    const ok = modelPreview([reg(TYPE.Namespace, nsInputs, adopted("team-a", nsInputs))], [ns]);
    expect(ok.problems).toEqual([]);
    expect(ok.first).toEqual([{ object: "Namespace team-a", op: "import" }]);
  });

  test("an adopted ExternalSecret whose target Secret would change is a problem (ESO deleteOrphanedSecrets); the same target is an update in place", () => {
    const live = es("db") as unknown as KubeObject;
    const renamed = es("db-new");
    expect(modelPreview([reg(TYPE.ExternalSecret, renamed, adopted("team-a/db", renamed))], [live, store]).problems.join()).toMatch(/changes from db to db-new.*deleteOrphanedSecrets/);
    const same = { ...es("db"), metadata: { ...es("db").metadata, labels: { a: "b" } } };
    const m = modelPreview([reg(TYPE.ExternalSecret, same, adopted("team-a/db", same))], [live, store]);
    expect(m.problems).toEqual([]);
    expect(m.second).toEqual([{ object: "ExternalSecret team-a/db", op: "update", details: ["metadata.labels: a=b"] }]);
  });

  test("the in-place update would replace a RoleBinding with another roleRef, or a Secret whose data is not kept (diff.go forceNewProperties)", () => {
    const rb = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "developers", namespace: "team-a" }, roleRef: { kind: "ClusterRole", name: "view" } };
    const mine = { ...rb, roleRef: { kind: "ClusterRole", name: "namespace-developer" } };
    expect(modelPreview([reg(TYPE.RoleBinding, mine, adopted("team-a/developers", mine))], [rb as KubeObject]).problems.join()).toMatch(/replace it \(force-new roleRef/);
    const secret = { apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: "vault-token", namespace: "creds" } };
    const mineS = { ...secret, data: { token: "x" } };
    const first = [reg(TYPE.Secret, mineS, adopted("creds/vault-token", mineS))];
    expect(modelPreview(first, [secret as KubeObject]).problems.join()).toMatch(/force-new data/);
    const later = [reg(TYPE.Secret, mineS, { ignoreChanges: ["data", "stringData"] })];
    expect(modelPreview(first, [secret as KubeObject], undefined, later).problems).toEqual([]);
  });

  test("stores: an ExternalSecret whose store neither exists nor is created, or a new one not waiting for its new store, is a problem", () => {
    const newEs = { ...es(), spec: { ...es().spec, secretStoreRef: { kind: "SecretStore", name: "vault" } } };
    const newStore = { apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "vault", namespace: "team-a" } };
    expect(modelPreview([reg(TYPE.ExternalSecret, newEs, {})], []).problems.join()).toMatch(/refers to SecretStore team-a\/vault, which neither exists nor is created/);
    const storeReg = reg(TYPE.SecretStore, newStore, {}, { urn: "urn:store" });
    expect(modelPreview([storeReg, reg(TYPE.ExternalSecret, newEs, {}, { dependencies: [] })], []).problems.join()).toMatch(/without waiting for SecretStore team-a\/vault/);
    expect(modelPreview([storeReg, reg(TYPE.ExternalSecret, newEs, {}, { dependencies: ["urn:store"] })], []).problems).toEqual([]);
  });

  test("Secrets ESO owns: a new ExternalSecret may not target one another ExternalSecret owns, nor take over one nobody owns", () => {
    const owned = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "team-a", ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "legacy", controller: true }] } } as KubeObject;
    const legacy = { ...(es() as unknown as KubeObject), metadata: { name: "legacy", namespace: "team-a" } } as KubeObject;
    const mine = { ...es(), metadata: { name: "other", namespace: "team-a" } };
    expect(modelPreview([reg(TYPE.ExternalSecret, mine, {})], [owned, legacy, store]).problems.join()).toMatch(/which ExternalSecret team-a\/legacy owns.*ErrSecretIsOwned/);
    const loose = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "team-a" } } as KubeObject;
    expect(modelPreview([reg(TYPE.ExternalSecret, mine, {})], [loose, store]).problems.join()).toMatch(/take it over/);
  });
});

function emptyVault(): VaultDump {
  return { mounts: {}, auths: {}, policies: {}, authConfigs: {}, roles: {} };
}

describe("shown before it happens: npm run render's summary", () => {
  test("lists what the up imports and the adopted objects it never deletes", async () => {
    const cap = (name: string, type: string, inputs: Record<string, unknown>, options: Record<string, unknown>) => ({ urn: `urn:pulumi:s::p::${type}::${name}`, type, name, custom: true, dependencies: [], inputs, options });
    const r = await renderCaptured(
      [
        cap("eso-ns", TYPE.Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: "external-secrets" } }, { importId: "external-secrets", retainOnDelete: true, ignoreChanges: ["metadata"] }),
        cap("team-ns", TYPE.Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } }, {}),
      ],
      "s",
    );
    expect(r.summary).toContain("adopt: imports 1 (eso-ns = external-secrets)");
    expect(r.summary).toContain("adopt: never deleted by the program (retainOnDelete) 1 (eso-ns)");
  });
});
