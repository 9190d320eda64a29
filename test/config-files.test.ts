/**
 * Issue 18 classes 7 and 8 (and issue 19 point 7): what config may read.
 * - A CA is certificates only, wherever a CA is read (components/config/ca-pem.ts).
 * - Files named in config stay inside the project: no absolute or `..` paths, no
 *   symlink out, regular files only (never a FIFO or a device), at most 1 MiB
 *   (components/config/project-files.ts); errors never echo a value from a file
 *   beyond a short redacted excerpt.
 */
import { spawn, spawnSync } from "child_process";
import { generateKeyPairSync } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseStackConfig, parseTenantStackConfig } from "../components/config/config";
import { caBundleProblem } from "../components/config/ca-pem";
import { MAX_CONFIG_FILE_BYTES, readProjectFile } from "../components/config/project-files";
import { nodeTenantFileSystem } from "../components/config/stack-config";
import { contractProblem, TENANT_CONTRACT_VERSION } from "../components/tenants/shard-config";
import { clusterCaPem, configProblemLines, examplePem, flat, validSections } from "./helpers/fixtures";

const KEY = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
/** A line of the key's body: no message may contain it. */
const KEY_BODY = KEY.split("\n")[1];
const WITH_KEY = `${examplePem().trim()}\n${KEY}`;

const none = () => {
  throw Object.assign(new Error("no files"), { code: "ENOENT" });
};
const parse = (sections: Record<string, unknown>, readFile: (p: string) => string = none) => parseStackConfig(flat(sections), { secretKeys: new Set(), readFile });
const withSection = (section: string, patch: Record<string, unknown>) => {
  const s = validSections();
  s[section] = { ...(s[section] as object), ...patch };
  return s;
};

describe("a CA is certificates only, wherever a CA is read (class 7)", () => {
  test("the pure reader: a PRIVATE KEY block is named by type and place, never shown; text between blocks is refused; certificates and whitespace pass", () => {
    const p = caBundleProblem(WITH_KEY)!;
    expect(p).toMatch(/"PRIVATE KEY" PEM block \(#2\)/);
    expect(p).not.toContain(KEY_BODY);
    expect(caBundleProblem(`${KEY}\n${examplePem()}`)).toMatch(/"PRIVATE KEY" PEM block \(#1\)/);
    expect(caBundleProblem(`${examplePem()}\nsecret=hunter2\n${clusterCaPem()}`)).toMatch(/text outside the PEM blocks \(before block #2, 14 characters, not shown\)/);
    expect(caBundleProblem(`${examplePem()}\nhunter2`)).toMatch(/after block #1/);
    expect(caBundleProblem(`${examplePem()}\n\n  \n${clusterCaPem()}\n`)).toBeUndefined();
  });

  const places: Array<[string, () => string[]]> = [
    ["vault.caCert", () => configProblemLines(() => parse(withSection("vault", { caCert: WITH_KEY })))],
    ["kubernetesAuth.caCert", () => configProblemLines(() => parse(withSection("kubernetesAuth", { caCert: WITH_KEY })))],
    ["vault.caCertFile", () => configProblemLines(() => parse(withSection("vault", { caCertFile: "ca.pem" }), () => WITH_KEY))],
    ["kubernetesAuth.caCertFile", () => configProblemLines(() => parse(withSection("kubernetesAuth", { caCert: undefined, caCertFile: "ca.pem" }), () => WITH_KEY))],
    ["a tenant stack's vault.caCertFile", () => configProblemLines(() => parseTenantStackConfig(flat({ platform: "organization/vault-eso/dev", vault: { caCertFile: "ca.pem" } }), { secretKeys: new Set(), readFile: () => WITH_KEY }))],
    ["the tenant contract's CA (tenant stores' caBundle / ConfigMaps)", () => [contractProblem({ version: TENANT_CONTRACT_VERSION, ca: { kind: "configMap", name: "vault-ca", key: "ca.crt", pem: WITH_KEY } }, "o/p/s") ?? ""]],
  ];
  test.each(places)("%s: a bundle with a private key is refused, naming the block type, without its text", (_where, problems) => {
    const lines = problems();
    const hit = lines.find((l) => l.includes('"PRIVATE KEY" PEM block'));
    expect(hit).toBeDefined();
    expect(hit).toMatch(/Fix: /);
    for (const l of lines) expect(l).not.toContain(KEY_BODY);
  });
});

describe("files named in config stay inside the project (class 8, issue 19 point 7)", () => {
  const dir = fs.mkdtempSync("test/.tmp-config-files-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const nodeFs = nodeTenantFileSystem();
  const parseNode = (sections: Record<string, unknown>) => parseStackConfig(flat(sections), { secretKeys: new Set(), ...nodeFs });

  test("absolute and climbing paths are refused for every file key, before anything is read", () => {
    const read: string[] = [];
    const spy = (p: string) => {
      read.push(p);
      return examplePem();
    };
    const lines = [
      ...configProblemLines(() => parse(withSection("vault", { caCertFile: "/home/runner/work/_temp/kubeconfig" }), spy)),
      ...configProblemLines(() => parse(withSection("kubernetesAuth", { caCert: undefined, caCertFile: "../../.kube/config" }), spy)),
      ...configProblemLines(() => parse({ ...validSections(), tenantFiles: ["/etc/*.yaml", "tenants/../../x.yaml"] }, spy)),
      ...configProblemLines(() => parseTenantStackConfig(flat({ platform: "o/p/s", vault: { caCertFile: "/proc/self/environ" } }), { secretKeys: new Set(), readFile: spy })),
    ];
    expect(read).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^vault-eso:vault\.caCertFile = .*is an absolute path.*Fix: /),
        expect.stringMatching(/^vault-eso:kubernetesAuth\.caCertFile = .*has a "\.\." segment.*Fix: /),
        expect.stringMatching(/^vault-eso:tenantFiles\[0\] = .*is an absolute path/),
        expect.stringMatching(/^vault-eso:tenantFiles\[1\] = .*has a "\.\." segment/),
      ]),
    );
    expect(lines.filter((l) => l.startsWith("vault-eso:vault.caCertFile"))).toHaveLength(2);
  });

  test("a symlink out of the project is refused (tenant file and CA file)", () => {
    fs.symlinkSync(path.resolve("/etc/hostname"), path.join(dir, "out.yaml"));
    fs.symlinkSync(path.resolve("/etc/hostname"), path.join(dir, "out.pem"));
    expect(() => readProjectFile(process.cwd(), `${dir}/out.yaml`)).toThrow(/outside the project directory/);
    const lines = configProblemLines(() => parseNode({ ...validSections(), vault: { address: "http://127.0.0.1:8200", caCertFile: `${dir}/out.pem` }, tenantFiles: `${dir}/out.yaml` }));
    expect(lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^vault-eso:tenantFiles = .*outside the project directory/)]),
    );
    const ca = configProblemLines(() => parseNode({ ...validSections(), vault: { address: "http://127.0.0.1:8200", caCertFile: `${dir}/out.pem` } }));
    expect(ca).toEqual([expect.stringMatching(/^vault-eso:vault\.caCertFile = .*outside the project directory/)]);
  });

  test("a FIFO is refused without being opened (a writer is waiting: reading it would succeed, so the refusal is the check's)", () => {
    const fifo = path.join(dir, "pipe.yaml");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // A writer that blocks until someone opens the FIFO for reading; killed afterwards.
    const writer = spawn("sh", ["-c", `printf 'name: team-x\\n' > '${fifo}'`], { stdio: "ignore" });
    try {
      expect(() => readProjectFile(process.cwd(), fifo)).toThrow(/is a FIFO \(named pipe\), not a regular file/);
      const lines = configProblemLines(() => parseNode({ ...validSections(), tenantFiles: fifo }));
      expect(lines).toEqual([expect.stringMatching(/^vault-eso:tenantFiles = .*is a FIFO/)]);
    } finally {
      writer.kill("SIGKILL");
    }
  });

  test(`a file over ${MAX_CONFIG_FILE_BYTES} bytes is refused; at the limit it is read`, () => {
    const big = path.join(dir, "big.yaml");
    fs.writeFileSync(big, `# ${"x".repeat(MAX_CONFIG_FILE_BYTES - 3)}\n`);
    expect(readProjectFile(process.cwd(), big)).toHaveLength(MAX_CONFIG_FILE_BYTES);
    fs.appendFileSync(big, "y");
    expect(() => readProjectFile(process.cwd(), big)).toThrow(/over the 1048576-byte limit/);
    expect(configProblemLines(() => parseNode({ ...validSections(), tenantFiles: big }))).toEqual([expect.stringMatching(/^vault-eso:tenantFiles = .*is 1048577 bytes, over the 1048576-byte limit/)]);
  });

  test("an unknown key in a tenant file is named with a redacted excerpt of its value, never the value", () => {
    const token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    fs.writeFileSync(path.join(dir, "leak.yaml"), `name: team-l\ngithubToken: ${token}\nexternalSecrets:\n  - name: app\n    data: [{secretKey: k, remoteRef: {key: db}}]\n    template: {data: {x: "${token}"}, typo: "${token}"}\n`);
    let message = "";
    try {
      parseNode({ ...validSections(), tenantFiles: `${dir}/leak.yaml` });
    } catch (e) {
      message = (e as ConfigError).message;
    }
    expect(message).toMatch(/leak\.yaml: githubToken = "ghp_…" \(redacted, 40 characters\): is not a known setting/);
    expect(message).toMatch(/leak\.yaml: externalSecrets\[0\]\.template\.typo = "ghp_…" \(redacted, 40 characters\)/);
    expect(message).not.toContain("abcdefgh");
  });
});
