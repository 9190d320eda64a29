/**
 * Tenants in files (`vault-eso:tenantFiles`) and the platform's shard
 * assignment (`vault-eso:shards`): pure config checks (docs/sharding.md).
 * Tenant stacks themselves: tenant-stacks.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseStackConfig } from "../components/config/config";
import { nodeTenantFileSystem } from "../components/config/stack-config";
import { generatedTenants } from "../scripts/lib/bench-config";
import { configExceedsExecLimit, pulumiConfigEnvBytes } from "./contracts/models/linux-exec-env";
import { configProblemLines as problemsOf, flat, validSections } from "./helpers/fixtures";

// Inside the project: files named in config are confined to it (components/config/project-files.ts).
const tmp = fs.mkdtempSync("test/.tmp-shards-");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const nodeFs = nodeTenantFileSystem();
const parse = (sections: Record<string, unknown>) => parseStackConfig(flat(sections), { secretKeys: new Set(), ...nodeFs });

/** 1,000 generated tenants (the bench's shape), ten per file. */
function writeTenantFiles(dir: string, n: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const all = generatedTenants(n);
  for (let f = 0; f * 10 < n; f++) fs.writeFileSync(path.join(dir, `team-${String(f).padStart(3, "0")}.yaml`), JSON.stringify(all.slice(f * 10, f * 10 + 10)));
}

describe("tenants in files: the stack config holds only where they are (pulumi-language-nodejs main.go constructConfig, linux fs/exec.c copy_strings)", () => {
  const dir = path.join(tmp, "thousand");
  beforeAll(() => writeTenantFiles(dir, 1000));

  test("1,000 tenants inline exceed the 128 KiB PULUMI_CONFIG string (E2BIG); as tenantFiles the config is tiny, and all 1,000 pass the schema", () => {
    const base = { ...validSections(), tenancy: { org: "acme", cluster: "c1" }, store: { allowAllNamespaces: true } };
    expect(configExceedsExecLimit(flat({ ...base, tenants: generatedTenants(1000) }))).toBe(true);
    const files = flat({ ...base, tenantFiles: `${dir}/*.yaml` });
    expect(pulumiConfigEnvBytes(files)).toBeLessThan(4096);
    const { config } = parseStackConfig(files, { secretKeys: new Set(), ...nodeFs });
    expect(config.tenants).toHaveLength(1000);
    expect(new Set(config.tenants.map((t) => t.subtree)).size).toBe(1000);
    expect(config.tenants[999]).toMatchObject({ name: "team-00999", subtree: "acme/dev/clusters/c1/apps/team-00999" });
  });

  test("the kernel agrees with the model: node started with 1,000 tenants in PULUMI_CONFIG fails with E2BIG, with tenantFiles it starts", () => {
    const base = { ...validSections(), tenancy: { org: "acme", cluster: "c1" }, store: { allowAllNamespaces: true } };
    const start = (config: Record<string, string>) => spawnSync(process.execPath, ["-e", "0"], { env: { PATH: process.env.PATH, PULUMI_CONFIG: JSON.stringify(config) } });
    expect((start(flat({ ...base, tenants: generatedTenants(1000) })).error as NodeJS.ErrnoException | undefined)?.code).toBe("E2BIG");
    const ok = start(flat({ ...base, tenantFiles: `${dir}/*.yaml` }));
    expect([ok.error, ok.status]).toEqual([undefined, 0]);
  });

  test("a bad field in a file is named by its file and field; a duplicate names both places; a missing file names the entry", () => {
    const d = path.join(tmp, "bad");
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "a.yaml"), "name: team-a\nexternalSecrets:\n  - name: Bad_Name\n    data: [{secretKey: p, remoteRef: {key: db}}]\n");
    fs.writeFileSync(path.join(d, "b.yaml"), "- name: team-b\n- name: team-a\n  owner: 'not a label!'\n");
    const problems = problemsOf(() => parse({ ...validSections(), tenants: [{ name: "team-b" }], tenantFiles: [d, path.join(tmp, "nope.yaml")] }));
    expect(problems).toEqual(
      expect.arrayContaining([
        // Values from a file are shown only as a redacted excerpt.
        expect.stringMatching(new RegExp(`^${d}/a\\.yaml: externalSecrets\\[0\\]\\.name = "Ba…" \\(redacted, 8 characters\\): the ExternalSecret name must be a DNS-1123 subdomain`)),
        expect.stringMatching(new RegExp(`^${d}/b\\.yaml: \\[1\\]\\.owner = "not…" \\(redacted, 12 characters\\): the owner label must be a valid label value`)),
        expect.stringMatching(new RegExp(`^vault-eso:tenantFiles = ".*nope\\.yaml": cannot be read \\(ENOENT\\)`)),
      ]),
    );
    const dup = problemsOf(() => parse({ ...validSections(), tenants: [{ name: "team-b" }], tenantFiles: path.join(d, "b.yaml") }));
    expect(dup).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${d}/b\\.yaml: \\[0\\]\\.name = "t…" \\(redacted, 6 characters\\): duplicates tenants\\[0\\]`))]));
  });
});

describe("the platform's vault-eso:shards: each tenant owned once", () => {
  test("a tenant claimed by two tenant stacks, or by a tenant stack and the platform itself, is refused naming both stacks", () => {
    const problems = problemsOf(() =>
      parse({ ...validSections(), tenants: [{ name: "team-a" }], shards: { "acme/vault-eso/pay": ["team-x", "team-a"], "acme/vault-eso/search": ["team-x"] } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^vault-eso:shards\.acme\/vault-eso\/pay\[1\] = "team-a": tenant "team-a" is built by this platform stack .* and claimed by tenant stack "acme\/vault-eso\/pay"/),
      expect.stringMatching(/^vault-eso:shards\.acme\/vault-eso\/search\[0\] = "team-x": tenant "team-x" is claimed by two tenant stacks, "acme\/vault-eso\/pay" and "acme\/vault-eso\/search"/),
    ]);
  });
});

