/**
 * scripts/lib/changed-stacks.ts: which stacks a pull request's changed paths touch (the
 * pull-request workflow previews only those; docs/ci.md). Applied to the shipped stacks
 * (Pulumi.dev.yaml, Pulumi.prod.yaml) and to the sharding examples (examples/sharding/: a
 * platform stack and two tenant stacks, tenant files as a directory and as a pattern), with
 * the real directory listings: tenant-file matching is components/tenants/tenant-files.ts
 * expandEntry, the program's own.
 */
import * as fs from "fs";
import * as path from "path";
import { changedStacks, hasLocalEndpoints, previewMatrix, StackFileEntry } from "../scripts/lib/changed-stacks";
import { listStacks, readStackFile } from "../scripts/lib/stack-file";

const listDir = (dir: string) => {
  try {
    return fs.readdirSync(path.resolve(dir), { withFileTypes: true }).map((e) => ({ name: e.name, isDir: e.isDirectory() }));
  } catch {
    return undefined;
  }
};
const entry = (file: string): StackFileEntry => ({ stack: path.basename(file).replace(/^Pulumi\.|\.yaml$/g, ""), file, config: readStackFile(file).config });
const shipped = listStacks().map((s) => entry(`Pulumi.${s}.yaml`));
const sharding = ["platform", "team-payments", "team-discovery"].map((s) => entry(`examples/sharding/Pulumi.${s}.yaml`));
const touched = (changed: string[], stacks: readonly StackFileEntry[] = shipped) => changedStacks({ changed, stacks, project: "vault-eso", listDir }).stacks;

describe("changed stacks: the shipped stacks (Pulumi.dev.yaml, Pulumi.prod.yaml)", () => {
  test("the shipped stacks are dev and prod", () => {
    expect(shipped.map((s) => s.stack)).toEqual(["dev", "prod"]);
  });

  test("docs, tests, scripts and workflows touch no stack", () => {
    expect(touched(["README.md", "docs/ci.md", "BENCHMARKS.md", "test/config.test.ts", "scripts/render.ts", ".github/workflows/pull-request.yml"])).toEqual([]);
    expect(touched([])).toEqual([]);
  });

  test.each(["index.ts", "components/platform.ts", "components/config/config.ts", "policies/guard/index.ts", "package.json", "package-lock.json", "Pulumi.yaml", "tsconfig.json"])(
    "%s (the program, its dependencies, the project) touches every stack",
    (p) => {
      expect(touched(["docs/ci.md", p])).toEqual(["dev", "prod"]);
    },
  );

  test("a stack file touches that stack only", () => {
    expect(touched(["Pulumi.prod.yaml"])).toEqual(["prod"]);
    expect(touched(["./Pulumi.dev.yaml"])).toEqual(["dev"]);
  });

  test("a file a stack's config names (dev's kubernetesAuth.caCertFile) touches that stack", () => {
    expect(touched(["kind-ca.pem"])).toEqual(["dev"]);
  });

  test("a component's name elsewhere is not the program (examples/typescript/components/... is not components/)", () => {
    expect(touched(["examples/typescript/components/x.ts", "docs/components/x.md"])).toEqual([]);
  });
});

describe("changed stacks: tenant files and tenant stacks (examples/sharding, tenantFiles resolved by tenant-files.ts expandEntry)", () => {
  test("a tenant file touches exactly the stack whose tenantFiles names it (a directory entry)", () => {
    expect(touched(["examples/sharding/tenants/payments/refunds.yaml"], sharding)).toEqual(["team-payments"]);
    expect(touched(["examples/sharding/tenants/payments/checkout.yaml"], sharding)).toEqual(["team-payments"]);
  });

  test("a tenant file touches exactly the stack whose tenantFiles names it (a pattern entry)", () => {
    expect(touched(["examples/sharding/tenants/discovery/teams.yaml"], sharding)).toEqual(["team-discovery"]);
  });

  test("matching is the program's: a directory takes *.yml, the pattern *.yaml does not; subdirectories are not read", () => {
    expect(touched(["examples/sharding/tenants/payments/new.yml"], sharding)).toEqual(["team-payments"]);
    expect(touched(["examples/sharding/tenants/discovery/new.yml"], sharding)).toEqual([]);
    expect(touched(["examples/sharding/tenants/payments/nested/a.yaml", "examples/sharding/tenants/payments/README.md"], sharding)).toEqual([]);
  });

  test("a deleted or renamed tenant file (no longer on disk) still touches its stack", () => {
    const gone = "examples/sharding/tenants/payments/gone-team.yaml";
    expect(fs.existsSync(gone)).toBe(false);
    expect(touched([gone], sharding)).toEqual(["team-payments"]);
    expect(touched(["examples/sharding/tenants/discovery/gone-team.yaml"], sharding)).toEqual(["team-discovery"]);
  });

  test("a platform's tenant file touches the platform and its tenant stacks (they read its tenantContract)", () => {
    expect(touched(["examples/sharding/tenants/platform/billing.yaml"], sharding)).toEqual(["platform", "team-discovery", "team-payments"]);
    expect(touched(["examples/sharding/Pulumi.platform.yaml"], sharding)).toEqual(["platform", "team-discovery", "team-payments"]);
  });

  test("a tenant stack's own change does not touch the platform or the other tenant stack", () => {
    expect(touched(["examples/sharding/Pulumi.team-discovery.yaml"], sharding)).toEqual(["team-discovery"]);
  });

  test("each reason names the path and the rule", () => {
    const r = changedStacks({ changed: ["examples/sharding/tenants/platform/billing.yaml"], stacks: sharding, project: "vault-eso", listDir });
    expect(r.reasons.platform).toEqual(["examples/sharding/tenants/platform/billing.yaml (a tenant file of its vault-eso:tenantFiles)"]);
    expect(r.reasons["team-payments"]).toEqual(["platform stack platform (its tenantContract)"]);
  });

  test("platform links follow vault-eso:platform and vault-eso:shards of this project only", () => {
    const cfg = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const stacks: StackFileEntry[] = [
      { stack: "plat", file: "Pulumi.plat.yaml", config: cfg({ "vault-eso:shards": { "acme/vault-eso/listed": ["a"] } }) },
      { stack: "listed", file: "Pulumi.listed.yaml", config: {} },
      { stack: "reader", file: "Pulumi.reader.yaml", config: cfg({ "vault-eso:platform": "acme/vault-eso/plat" }) },
      { stack: "other-project", file: "Pulumi.other-project.yaml", config: cfg({ "vault-eso:platform": "acme/another/plat" }) },
      { stack: "unrelated", file: "Pulumi.unrelated.yaml", config: cfg({ "vault-eso:tenantFiles": ["tenants/u.yaml"] }) },
    ];
    const none = () => undefined;
    expect(changedStacks({ changed: ["Pulumi.plat.yaml"], stacks, project: "vault-eso", listDir: none }).stacks).toEqual(["listed", "plat", "reader"]);
    expect(changedStacks({ changed: ["tenants/u.yaml"], stacks, project: "vault-eso", listDir: none }).stacks).toEqual(["unrelated"]);
    expect(changedStacks({ changed: ["Pulumi.reader.yaml"], stacks, project: "vault-eso", listDir: none }).stacks).toEqual(["reader"]);
  });
});

describe("changed stacks: the preview matrix", () => {
  test("dev has local endpoints (a loopback Vault, a kind context), prod does not", () => {
    expect(shipped.filter((s) => hasLocalEndpoints(s.config)).map((s) => s.stack)).toEqual(["dev"]);
  });

  test("each stack with the suffix of its vars/secrets (VAULT_ADDR_<SUFFIX>, KUBECONFIG_<SUFFIX>)", () => {
    expect(previewMatrix(["prod", "team-payments"])).toEqual([
      { stack: "prod", suffix: "PROD" },
      { stack: "team-payments", suffix: "TEAM_PAYMENTS" },
    ]);
  });
});
