/**
 * `npm run adopt` on the seeds' fixtures (test/fixtures/adopt/<seed>/: what
 * the tutorials' commands and manifests leave in the cluster and in Vault,
 * see README.md there): in process, each stack renders under the mock engine,
 * every existing object it registers is imported with pulumi-kubernetes' ID
 * and kept with retainOnDelete, nothing that exists is created, and the
 * preview model finds no downtime or loss. Then the CLI itself, in child
 * processes (usage, exit codes, refusals, the file it writes).
 */
import { runScript } from "../helpers/script-run";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kindOfObject, kindOfType, kubernetesImportId } from "../../components/vault-backend/adopt-kinds";
import { kubernetesIdentity } from "../../components/vault-backend/adopt";
import { parseStackConfig } from "../../components/config/config";
import { readStackFile } from "../../scripts/lib/stack-file";
import type { Registration } from "../../scripts/lib/adopt/model";
import type { KubeObject } from "../../scripts/lib/adopt/dump";
import { runFixture } from "../adopt/fixture-run";
import { flattenForProgram } from "../../scripts/lib/adopt/adopt-objects";

import { jest } from "@jest/globals";
jest.setTimeout(180_000);

/** The existing object a registration names, if any (kind, name and namespace as the cluster has them). */
function existingFor(r: Registration, objects: readonly KubeObject[]): string | undefined {
  const kind = kindOfType(r.type);
  if (!kind) return undefined;
  const id = kubernetesIdentity(kind, r.type, r.inputs);
  if (!id) return undefined;
  if (kind === "HelmRelease") {
    const found = objects.some((o) => o.metadata.annotations?.["meta.helm.sh/release-name"] === id.name && o.metadata.annotations?.["meta.helm.sh/release-namespace"] === id.namespace);
    return found ? kubernetesImportId(id) : undefined;
  }
  const found = objects.some((o) => kindOfObject(o.apiVersion, o.kind) === kind && o.metadata.name === id.name && (id.namespace === undefined || (o.metadata.namespace ?? "default") === id.namespace));
  return found ? kubernetesImportId(id) : undefined;
}

const EXPECTED: Record<string, { imports: string[]; leftAlone: string[] }> = {
  "000": {
    imports: [
      "Namespace external-secrets",
      "HelmRelease external-secrets/external-secrets",
      "ClusterSecretStore vault-cluster-store",
      "ClusterRole namespace-developer",
      "Namespace my-app-ns",
      "ExternalSecret my-app-ns/my-app-external-secret",
      "Namespace external-secrets-credentials",
      "Secret external-secrets-credentials/vault-token",
      "CronJob external-secrets-credentials/vault-token-renewer",
    ],
    leftAlone: ["RoleBinding my-app-ns/developer-binding"],
  },
  "001": { imports: ["Namespace external-secrets", "HelmRelease external-secrets/external-secrets", "ClusterSecretStore vault-backend"], leftAlone: ["ExternalSecret default/my-app-secret"] },
  "002": { imports: ["Namespace external-secrets", "HelmRelease external-secrets/external-secrets", "ClusterSecretStore vault-backend"], leftAlone: [] },
  "004": { imports: ["Namespace external-secrets", "HelmRelease external-secrets/external-secrets", "ClusterSecretStore vault-backend"], leftAlone: ["ExternalSecret default/vault-example"] },
};

describe.each(Object.keys(EXPECTED))("seed %s adopted", (seed) => {
  let r: Awaited<ReturnType<typeof runFixture>>;
  beforeAll(async () => {
    r = await runFixture(seed);
  });

  test("nothing refused; the stack renders and the program's config reader accepts it", () => {
    expect(r.plan.refusals).toEqual([]);
    expect(r.finished).toBeDefined();
    expect(() => parseStackConfig(flattenForProgram(r.finished!.config), { secretKeys: new Set(), readFile: (p) => fs.readFileSync(p, "utf8") })).not.toThrow();
    expect(r.finished!.registrations.first.length).toBeGreaterThan(10);
  });

  test("every existing object the stack manages is imported with pulumi-kubernetes' ID, kept on delete, and nothing that exists is created", () => {
    const imported: string[] = [];
    for (const reg of r.finished!.registrations.first.filter((g) => g.type.startsWith("kubernetes:"))) {
      const id = existingFor(reg, r.objects);
      if (!id) {
        expect(reg.options.importId).toBeUndefined();
        continue;
      }
      expect({ reg: reg.name, importId: reg.options.importId, retainOnDelete: reg.options.retainOnDelete }).toEqual({ reg: reg.name, importId: id, retainOnDelete: true });
      imported.push(`${kindOfType(reg.type)} ${id}`);
    }
    expect(imported.sort()).toEqual([...EXPECTED[seed].imports].sort());
  });

  test("the second up (imported: true) imports nothing and still never deletes an adopted object", () => {
    for (const reg of r.finished!.registrations.second) {
      expect(reg.options.importId === undefined || reg.type.startsWith("vault:")).toBe(true);
      if (existingFor(reg, r.objects)) expect(reg.options.retainOnDelete).toBe(true);
    }
  });

  test("the preview model passes: imports and in-place updates only, stores always there, ESO's Secrets kept", () => {
    expect(r.finished!.model.problems).toEqual([]);
    expect(r.finished!.model.second.filter((s) => s.op === "replace" || s.op === "delete")).toEqual([]);
    expect(r.plan.leftAlone.map((l) => l.object)).toEqual(EXPECTED[seed].leftAlone);
  });
});

describe("seed fixtures: what only the tutorials' specifics decide", () => {
  test("000: the tutorial's token stays in its Secret (data never written back), its ExternalSecret becomes tenant my-app-ns with keys relative to its subtree", async () => {
    const r = await runFixture("000");
    const tenants = r.finished!.config["vault-eso:tenants"] as Array<Record<string, any>>;
    expect(tenants).toEqual([
      {
        name: "my-app-ns",
        path: "my-app-ns",
        developers: { users: ["dev-user"], groups: [] },
        externalSecrets: [{ name: "my-app-external-secret", targetName: "my-app-secret", refreshInterval: "1h", data: [{ secretKey: "db_password", remoteRef: { key: "my-app-secret", property: "db_password" } }] }],
      },
    ]);
    const secret = r.finished!.registrations.second.find((g) => g.type === "kubernetes:core/v1:Secret" && g.inputs.metadata?.name === "vault-token")!;
    expect(secret.options.ignoreChanges).toEqual(expect.arrayContaining(["data", "stringData"]));
  });

  test("001: v1beta1 still stored in the CRDs gets a storage-version plan; the ExternalSecret outside any tenant keeps reading through kv.scope", async () => {
    const r = await runFixture("001");
    expect(r.plan.steps.join("\n")).toMatch(/externalsecrets\.external-secrets\.io: status\.storedVersions still lists v1beta1/);
    expect((r.finished!.config["vault-eso:kv"] as { scope?: string }).scope).toBe("my-app");
  });

  test("004: the ExternalSecret at the mount's root is refused unless left unmanaged, with the reason", async () => {
    const r = await runFixture("004");
    expect(r.plan.leftAlone).toEqual([expect.objectContaining({ object: "ExternalSecret default/vault-example", breaks: true })]);
  });
});

const adopt = (args: string[]) => runScript("scripts/adopt.ts", args);

describe("npm run adopt (child processes)", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "adopt-cli-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const seed = (s: string) => ["--kube", `test/fixtures/adopt/${s}/kube.yaml`, "--vault", `test/fixtures/adopt/${s}/vault`];

  test("--help prints usage and exits 0; an unknown option exits 2; a missing file is a message without a stack trace", async () => {
    const help = await adopt(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: npm run adopt -- --kube <dump.yaml>/);
    const unknown = await adopt(["--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --bogus/);
    const missing = await adopt(["--kube", "nope.yaml", "--vault", "nope", "--out", path.join(tmp, "Pulumi.x.yaml")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^adopt: --kube nope.yaml: cannot read it/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  test("seed 004: refused without --leave-unmanaged (nothing written); with it, writes a stack file the program accepts and prints both ups", async () => {
    const out = path.join(tmp, "Pulumi.adopted.yaml");
    const refused = await adopt([...seed("004"), "--out", out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/would stop refreshing/);
    expect(fs.existsSync(out)).toBe(false);
    const ok = await adopt([...seed("004"), "--out", out, "--leave-unmanaged"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/= import {2}HelmRelease external-secrets\/external-secrets/);
    expect(ok.stdout).toMatch(/~ update {2}Vault role auth\/kubernetes\/role\/external-secrets\n\s+token_policies: \["readonly"\] -> \["external-secrets-read"\]/);
    const { config, secretKeys } = readStackFile(out);
    expect(() => parseStackConfig(config, { secretKeys: new Set(secretKeys), readFile: () => "" })).not.toThrow();
    const again = await adopt([...seed("004"), "--out", out, "--leave-unmanaged"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists\. Fix: choose another file, or pass --force/);
  });
});
