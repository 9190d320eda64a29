/**
 * Workloads that restart when their Secret changes (issue 15): Stakater
 * Reloader's config, the annotation shown to teams against Reloader's own
 * matching (stakater/Reloader v1.4.21 pkg/common/common.go ShouldReload), the
 * chart values against chart-v2.2.16 (test/contracts/models/reloader-chart.ts),
 * and the guard's rules on the release. The prod stack's release is checked in
 * test/stack-prod.test.ts.
 */
import { parseStackConfig } from "../components/config/config";
import { reloadAnnotation, reloaderChartValues, RELOADER_CHART } from "../components/reloader/reloader";
import { esoChartValues } from "../components/eso/eso";
import { flat, validSections } from "./helpers/fixtures";
import { guardResource, runGuard } from "./helpers/guard";
import { renderReloader, shouldReload, unknownValues } from "./contracts/models/reloader-chart";
import { restrictedViolations, weakenedChartValues } from "../policies/guard/rules/kubernetes";

function problems(sections: Record<string, unknown>): string[] {
  try {
    parseStackConfig(flat({ ...validSections(), ...sections }), { secretKeys: new Set(), readFile: () => "" });
    return [];
  } catch (e) {
    return (e as { problems: Array<{ key: string; message: string }> }).problems.map((p) => `${p.key}: ${p.message}`);
  }
}

describe("config vault-eso:reloader and tenants[].reloader", () => {
  test("a tenant opting in needs the release; the release needs a tenant; its namespace is the platform's", () => {
    expect(problems({ tenants: [{ name: "team-a", reloader: true }] })).toEqual([expect.stringMatching(/^vault-eso:tenants\[0\]\.reloader: needs the Reloader release.*reloader\.enabled: true/)]);
    expect(problems({ reloader: { enabled: true }, tenants: [{ name: "team-a" }] })).toEqual([expect.stringMatching(/^vault-eso:reloader\.enabled: Reloader would watch no tenant/)]);
    expect(problems({ reloader: { enabled: true }, tenants: [{ name: "team-a", reloader: true }] })).toEqual([]);
    expect(problems({ reloader: { enabled: true }, tenants: [{ name: "team-a", reloader: true }, { name: "reloader" }] })).toEqual([expect.stringMatching(/^vault-eso:tenants\[1\]\.name: is a reserved namespace/)]);
  });
});

describe("stakater/Reloader v1.4.21 pkg/common/common.go ShouldReload: the reload annotation", () => {
  test("names a Secret with a dot exactly: Reloader reads each item as ^item$, so an unescaped dot would match other Secrets", () => {
    const a = reloadAnnotation(["db.creds", "api-key"]);
    expect(a.key).toBe("secret.reloader.stakater.com/reload");
    for (const s of ["db.creds", "api-key"]) expect(shouldReload({ [a.key]: a.value }, s, false)).toBe(true);
    for (const s of ["dbXcreds", "db.creds-old", "xapi-key"]) expect(shouldReload({ [a.key]: a.value }, s, false)).toBe(false);
    // The naive annotation (names joined as they are) restarts on a Secret the team never named.
    expect(shouldReload({ [a.key]: "db.creds,api-key" }, "dbXcreds", false)).toBe(true);
  });
  test("auto annotations: only Secrets the pod references, and only with a true value (Go strconv.ParseBool)", () => {
    expect(shouldReload({ "reloader.stakater.com/auto": "true" }, "x", true)).toBe(true);
    expect(shouldReload({ "secret.reloader.stakater.com/auto": "True" }, "x", true)).toBe(true);
    expect(shouldReload({ "reloader.stakater.com/auto": "yes" }, "x", true)).toBe(false);
    expect(shouldReload({ "reloader.stakater.com/auto": "true" }, "x", false)).toBe(false);
  });
});

describe("stakater/Reloader chart-v2.2.16 values.yaml, templates/role.yaml, deployment.yaml: the chart values", () => {
  test("scoped to the given namespaces (Roles, no ClusterRole), every key one the chart defines, restricted pod", () => {
    const values = reloaderChartValues({ namespaces: ["team-b", "team-a"] });
    expect(unknownValues(values)).toEqual([]);
    const r = renderReloader(values, "reloader");
    expect([r.failure, r.watched, r.clusterRole]).toEqual([undefined, ["reloader", "team-a", "team-b"], false]);
    expect(restrictedViolations(r.podSpec)).toEqual([]);
    expect(r.podSpec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });
  test("the model catches a misspelt key, a namespace list while watching globally, and the chart's unrestricted container default", () => {
    expect(unknownValues({ reloader: { watchGlobaly: false } })).toEqual(["reloader.watchGlobaly"]);
    expect(renderReloader({ reloader: { namespaces: ["a"] } }, "reloader").failure).toMatch(/set reloader.watchGlobally=false/);
    expect(restrictedViolations(renderReloader({}, "reloader").podSpec).map(String).join("\n")).toMatch(/allowPrivilegeEscalation|capabilities/);
    expect(() => reloaderChartValues({ namespaces: [] })).toThrow(/at least one namespace/);
  });
});

describe("guard: eso-chart-pinned and pod-security-restricted judge the Reloader release", () => {
  const release = (version: string, values: Record<string, unknown>) =>
    guardResource({ type: "kubernetes:helm.sh/v3:Release", name: "reloader-chart", props: { name: "reloader", chart: RELOADER_CHART.name, version, namespace: "reloader", values } }, "prod");
  const rules = async (r: ReturnType<typeof release>) => (await runGuard([r])).filter((f) => !f.undecided).map((f) => `${f.policy}: ${f.message}`);
  test("the pinned, hardened release passes", async () => {
    expect(await rules(release(RELOADER_CHART.version, reloaderChartValues({ namespaces: ["team-a"] })))).toEqual([]);
  });
  test("an unpinned Reloader chart fails eso-chart-pinned (default charts include reloader)", async () => {
    expect(await rules(release("2.x", reloaderChartValues({ namespaces: ["team-a"] })))).toEqual([expect.stringMatching(/^eso-chart-pinned: chart reloader is not pinned/)]);
  });
  test("a container securityContext weakened two levels down (reloader.deployment.containerSecurityContext) fails pod-security-restricted", async () => {
    const weak = reloaderChartValues({ namespaces: ["team-a"] }) as { reloader: { deployment: { containerSecurityContext: Record<string, unknown> } } };
    weak.reloader.deployment.containerSecurityContext = { allowPrivilegeEscalation: true, capabilities: { drop: ["ALL"] } };
    expect(await rules(release(RELOADER_CHART.version, weak))).toEqual([expect.stringContaining("values.reloader.deployment.containerSecurityContext.allowPrivilegeEscalation: true")]);
  });
  test("ESO's hardened values still pass the deeper scan", () => {
    expect(weakenedChartValues(esoChartValues({ serviceAccountName: "eso", replicas: 2, leaderElect: true, resources: { requests: { cpu: "1", memory: "1Mi" }, limits: { memory: "1Mi" } }, systemAuthDelegator: false }))).toEqual([]);
  });
});
