/**
 * scripts/lib/access-diff: who gains or loses access between two renders of a stack, judged by the
 * ACL evaluator (policies/vault/acl.ts) and the RBAC model (policies/k8s/rbac.ts), never by names.
 * Base and head are the dev stack's registrations under the real program (buildPlatform under the
 * mock engine), head with a config change, a tenant-file change or a code change applied.
 */
import * as fs from "fs";
import { parse } from "yaml";
import { readStackFile } from "../scripts/lib/stack-file";
import { accessModel, AccessResource, withDeployerPolicy } from "../scripts/lib/access-diff/identities";
import { accessDiff, formatAccessDiff, probesOf } from "../scripts/lib/access-diff/diff";
import { changedStacks } from "../scripts/lib/changed-stacks";
import { nodeTenantFileSystem } from "../components/config/stack-config";
import { registeredFor } from "./helpers/guard-stack";
import { unwrapSecrets } from "./helpers/guard";
import { resourcesFromRender } from "../scripts/lib/access-diff/render-tree";
import { renderCaptured } from "../scripts/lib/render-files";
import { startRecording } from "../scripts/lib/capture";
import { loadStack } from "../components/config/stack-config";
import { buildPlatform } from "../components/platform";
import * as pulumi from "@pulumi/pulumi";

const dev = readStackFile("dev");
type Tenant = Record<string, any>;
const devTenants = (): Tenant[] => JSON.parse(dev.config["vault-eso:tenants"]);

async function resourcesFor(config: Record<string, string>): Promise<AccessResource[]> {
  const rs = await registeredFor("dev", config, dev.secretKeys);
  return rs.map((r) => ({ type: r.type, name: r.name, inputs: r.props }));
}
const withTenants = (tenants: Tenant[], extra: Record<string, string> = {}) => ({ ...dev.config, "vault-eso:tenants": JSON.stringify(tenants), ...extra });
const diffOf = (base: AccessResource[], head: AccessResource[]) => accessDiff(accessModel(withDeployerPolicy(base)), accessModel(withDeployerPolicy(head)));

let base: AccessResource[];
beforeAll(async () => {
  base = await resourcesFor(dev.config);
}, 120_000);

describe("access diff (dev stack)", () => {
  test("a pure rename (every Pulumi resource name) shows no access change", () => {
    const renamed = base.map((r) => ({ ...r, name: `${r.name}-renamed` }));
    const d = diffOf(base, renamed);
    expect(d).toEqual({ identities: [], violations: [] });
    expect(formatAccessDiff("dev", d)).toBe("access diff dev: no access change\n");
  });

  test("renaming a Vault policy a role holds (same rules): the role's access is unchanged; only the deployer's policy paths move", () => {
    const renamed = base.map((r) => {
      const inputs = JSON.parse(JSON.stringify(r.inputs));
      if (r.type === "vault:index/policy:Policy" && inputs.name === "tenant-team-a") inputs.name = "team-a-read";
      if (Array.isArray(inputs.tokenPolicies)) inputs.tokenPolicies = inputs.tokenPolicies.map((p: string) => (p === "tenant-team-a" ? "team-a-read" : p));
      return { ...r, inputs };
    });
    const d = diffOf(base, renamed);
    expect(d.violations).toEqual([]);
    expect(d.identities.map((i) => i.identity)).toEqual(["vault deployer (pulumi up)"]);
    expect(d.identities[0].changes.map((c) => `${c.sign} ${c.what}`).sort()).toEqual(["+ sys/policies/acl/team-a-read", "- sys/policies/acl/tenant-team-a"]);
  });

  test("a code change widening one tenant's policy to its siblings: the gains, and a mandatory cross-tenant failure, in at most 15 lines", () => {
    const widened = base.map((r) =>
      r.type === "vault:index/policy:Policy" && r.inputs.name === "tenant-team-a"
        ? { ...r, inputs: { ...r.inputs, policy: String(r.inputs.policy).replace(/apps\/team-a\/\*/g, "apps/*") } }
        : r,
    );
    const d = diffOf(base, widened);
    expect(d.identities.map((i) => i.identity)).toEqual(["vault role auth/kubernetes/role/tenant-team-a"]);
    const gains = d.identities[0].changes.filter((c) => c.sign === "+").map((c) => `${c.items.join(",")} ${c.what}`);
    expect(gains).toContain("read secret/data/acme/dev/clusters/kind/apps/*");
    expect(gains).toContain("read secret/data/acme/dev/clusters/kind/apps/team-b/*");
    expect(d.violations).toEqual([
      expect.stringMatching(/^vault role auth\/kubernetes\/role\/tenant-team-a \(tenant team-a\) gains read on secret\/data\/.*\/apps\/team-b\/\*, inside tenant team-b's subtree/),
      expect.stringMatching(/gains list, read on secret\/metadata\/.*\/apps\/team-b\/\*, inside/),
    ]);
    const text = formatAccessDiff("dev", d);
    if (process.env.SHOW) process.stdout.write(text);
    expect(text.trimEnd().split("\n").length).toBeLessThanOrEqual(15);
    expect(text).toMatch(/^FAIL cross-tenant: /m);
  });

  test("a config change widening one tenant within its own subtree (PushSecret for team-b): gains listed, no failure, no other identity", async () => {
    const tenants = devTenants();
    tenants[1].push = { secrets: [{ name: "gen", secretName: "gen", data: [{ secretKey: "k", remoteKey: "gen", property: "k" }] }] };
    const d = diffOf(base, await resourcesFor(withTenants(tenants)));
    expect(d.violations).toEqual([]);
    const byId = Object.fromEntries(d.identities.map((i) => [i.identity, i]));
    expect(Object.keys(byId).sort()).toEqual(["vault deployer (pulumi up)", "vault role auth/kubernetes/role/tenant-team-b"]);
    const teamB = byId["vault role auth/kubernetes/role/tenant-team-b"];
    expect(teamB.owner).toBe("team-b");
    expect(teamB.changes).toContainEqual({ sign: "+", what: "secret/data/acme/dev/clusters/kind/apps/team-b/*", items: ["create", "update"] });
    expect(teamB.changes.every((c) => c.sign === "+")).toBe(true);
  });

  test("adding a tenant: its role, its developers and the deployer gain; no existing tenant changes; no failure", async () => {
    const tenants = [...devTenants(), { name: "team-c", owner: "team-c", developers: { groups: ["team-c-devs"] } }];
    const d = diffOf(base, await resourcesFor(withTenants(tenants)));
    expect(d.violations).toEqual([]);
    const ids = d.identities.map((i) => i.identity);
    expect(ids).toEqual(expect.arrayContaining(["vault role auth/kubernetes/role/tenant-team-c", "k8s Group team-c-devs", "vault deployer (pulumi up)"]));
    expect(ids.filter((i) => /team-a|team-b/.test(i))).toEqual([]);
    const c = d.identities.find((i) => i.identity === "vault role auth/kubernetes/role/tenant-team-c")!;
    expect(c.changes).toContainEqual({ sign: "+", what: "secret/data/acme/dev/clusters/kind/apps/team-c/*", items: ["read"] });
    expect(d.identities.find((i) => i.identity === "k8s Group team-c-devs")!.changes).toContainEqual({ sign: "+", what: expect.stringMatching(/^namespace team-c: .*core\/secrets/), items: ["get", "list", "watch"] });
  });

  test("through tenant files: a tenant file binding another tenant's developers in its namespace touches the stack and fails the diff", async () => {
    const stackWith = (dir: string) => withTenants(devTenants(), { "vault-eso:tenantFiles": dir });
    const changed = changedStacks({
      changed: ["test/fixtures/access-diff/head/team-c.yaml"],
      stacks: [{ stack: "dev", file: "Pulumi.dev.yaml", config: stackWith("test/fixtures/access-diff/head") }],
      project: "vault-eso",
      listDir: nodeTenantFileSystem(process.cwd()).listDir,
    });
    expect(changed.stacks).toEqual(["dev"]);
    const d = diffOf(await resourcesFor(stackWith("test/fixtures/access-diff/base")), await resourcesFor(stackWith("test/fixtures/access-diff/head")));
    expect(d.identities.map((i) => i.identity)).toEqual(["k8s Group team-b-devs"]);
    expect(d.violations).toEqual([expect.stringMatching(/^k8s Group team-b-devs \(tenant team-b\) gains access in tenant team-c's namespace: .*get,list,watch [^;]*core\/secrets/)]);
    expect(formatAccessDiff("dev", d).trimEnd().split("\n").length).toBeLessThanOrEqual(15);
  });
});

describe("every identity the issue names is in the model (prod with token auth: writers, Prometheus, the renewer)", () => {
  test("tenants' roles, ESO's, Prometheus', the writers' groups, the renewer's token role and token, the deployer, namespace developers", async () => {
    const prod = readStackFile("prod");
    const tokenAuth = { ...prod.config, "vault-eso:tokenAuth": JSON.stringify({ enabled: true, period: "7d", explicitMaxTtl: "30d", rotateBefore: "7d", schedule: "0 */12 * * *" }) };
    const rs = (await registeredFor("prod", tokenAuth, prod.secretKeys)).map((r) => ({ type: r.type, name: r.name, inputs: r.props }));
    const m = accessModel(withDeployerPolicy(rs));
    const keys = [...m.vault.keys(), ...[...m.k8s.keys()].map((k) => `k8s ${k}`)];
    expect(keys).toEqual(
      expect.arrayContaining([
        "vault role auth/kubernetes/role/tenant-billing",
        "vault role auth/kubernetes/role/prometheus",
        "vault group tenant-billing-writers",
        "vault deployer (pulumi up)",
        expect.stringMatching(/^vault token role auth\/token\/roles\//),
        expect.stringMatching(/^vault token /),
        expect.stringMatching(/^k8s Group /),
      ]),
    );
    // The writers' group holds only its tenant's policy: it belongs to that tenant.
    const d = accessDiff(accessModel([]), m);
    expect(d.identities.find((i) => i.identity === "vault group tenant-billing-writers")?.owner).toBe("billing");
    expect(d.violations).toEqual([]);
  }, 120_000);
});

describe("the CLI's input: a render's files", () => {
  test("the model read from `npm run render`'s files (render-tree.ts) equals the model of the registrations", async () => {
    const recorder = startRecording("vault-eso", "dev");
    pulumi.runtime.setAllConfig(dev.config, dev.secretKeys);
    const loaded = loadStack();
    if (loaded.kind !== "platform") throw new Error("dev is a platform stack");
    buildPlatform(loaded, loaded.stack);
    await recorder.settle();
    const { files } = await renderCaptured(recorder.captured, "dev");
    const fromFiles = accessModel(resourcesFromRender(files));
    const fromRegs = accessModel(withDeployerPolicy(recorder.captured.map((r) => ({ type: r.type, name: r.name, inputs: unwrapSecrets(r.inputs), retainOnDelete: r.options.retainOnDelete }))));
    const view = (m: typeof fromFiles) => ({ vault: [...m.vault.values()].map((v) => [v.key, [...v.policies].sort(), v.namespaces]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))), k8s: [...m.k8s.keys()].sort(), tenants: m.tenants, policies: [...m.policies.keys()].sort() });
    expect(view(fromFiles)).toEqual(view(fromRegs));
    expect(view(fromFiles).vault.length).toBeGreaterThanOrEqual(4);
    expect(accessDiff(fromRegs, fromFiles)).toEqual({ identities: [], violations: [] });
  }, 120_000);
});

describe("probes", () => {
  test("a prefix pattern stands for a path below it and (ending in /) the directory itself; + fills one segment", () => {
    expect(probesOf("/secret/data/a/*").map((p) => p.path)).toEqual(["secret/data/a/~any~", "secret/data/a/"]);
    expect(probesOf("secret/data/+/x").map((p) => p.path)).toEqual(["secret/data/~any~/x"]);
    expect(probesOf("sys/mounts").map((p) => p.path)).toEqual(["sys/mounts"]);
  });
});

describe("the pull-request workflow runs it", () => {
  test("a job with no secrets renders HEAD^1 against the merge commit, posts the comment and fails with the diff's exit code", () => {
    const wf = parse(fs.readFileSync(".github/workflows/pull-request.yml", "utf8")) as { jobs: Record<string, any> };
    const job = wf.jobs["access-diff"];
    expect(JSON.stringify(job)).not.toMatch(/secrets\./);
    expect(job.steps.find((s: any) => String(s.uses).startsWith("actions/checkout@")).with).toEqual({ "fetch-depth": 2, "persist-credentials": false });
    expect(job.environment).toBeUndefined();
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const diff = job.steps.find((s: any) => s.id === "diff");
    expect(diff.run).toMatch(/^set \+e\nnpm run --silent access-diff -- HEAD\^1 --markdown "\$RUNNER_TEMP\/access-diff\.md"\necho "rc=\$\?" >> "\$GITHUB_OUTPUT"/);
    const post = job.steps.find((s: any) => /gh pr comment/.test(s.run ?? ""));
    expect(post.env.GH_TOKEN).toBe("${{ github.token }}");
    const last = job.steps[job.steps.length - 1];
    expect(last).toMatchObject({ env: { RC: "${{ steps.diff.outputs.rc }}" }, run: 'exit "$RC"' });
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["access-diff"]).toMatch(/scripts\/access-diff\.ts$/);
  });
});
