/**
 * `npm run render` on day two (issue 25): compared with the previous render in the same out directory,
 * a tenant removal is refused until acknowledged, and the deployer policy keeps covering what the change
 * deletes until the next render (scripts/lib/day-two.ts). Three renders in a row: test:cli only.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { compileAcl } from "../../policies/vault/acl";
import { parsePolicyHcl } from "../../policies/vault/hcl";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-day-two-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function render(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/render.ts", ...args], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("day two against the previous render (scripts/lib/day-two.ts, issue 25)", () => {
  test("offboarding team-b: refused without --acknowledge (nothing written); acknowledged, the deployer policy still covers deleting its role and policy; the next render drops them", async () => {
    const dir = path.join(tmp, "day-two");
    const first = await render(["dev", "--out", dir]);
    expect(first.code).toBe(0);
    const dev = parse(fs.readFileSync("Pulumi.dev.yaml", "utf8")) as { config: Record<string, any> };
    dev.config["vault-eso:tenants"] = dev.config["vault-eso:tenants"].filter((t: { name: string }) => t.name !== "team-b");
    const fewer = path.join(tmp, "Pulumi.dev-fewer.yaml");
    fs.writeFileSync(fewer, JSON.stringify(dev));
    const before = fs.readFileSync(path.join(dir, "outputs.json"), "utf8");

    const refused = await render([fewer, "--out", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/day two \[remove:team-b\]: tenant team-b is removed/);
    expect(refused.stderr).toContain("--acknowledge remove:team-b");
    expect(fs.readFileSync(path.join(dir, "outputs.json"), "utf8")).toBe(before);

    const acked = await render([fewer, "--out", dir, "--acknowledge", "remove:team-b"]);
    expect(acked.code).toBe(0);
    expect(acked.stdout).toMatch(/deployer policy: still covers vault:kubernetes\/authBackendRole:AuthBackendRole tenant-team-b-role/);
    const deleteRole = async () => compileAcl([await parsePolicyHcl("d", fs.readFileSync(path.join(dir, "vault/deployer-policy.hcl"), "utf8"))]).capabilities("auth/kubernetes/role/tenant-team-b").has("delete");
    expect(await deleteRole()).toBe(true);
    // After that `up`, a render of the same config no longer carries the removed tenant.
    const again = await render([fewer, "--out", dir]);
    expect(again.code).toBe(0);
    expect(await deleteRole()).toBe(false);
  }, 180000);
});
