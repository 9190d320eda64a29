/**
 * The workflows' own `vault-ca` steps, run as the runner runs them (`bash -e`, in a checkout whose
 * stack file a pull request wrote), then `$GITHUB_ENV` read back as actions/runner reads it
 * (test/contracts/models/github-env-file.ts): a crafted "PEM" sets no other variable, a stack file
 * pointing the provider at another Vault is refused, and a CA file outside the repository (the
 * runner's kubeconfig) is never read into the environment.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseEnvFile } from "../contracts/models/github-env-file";

const ROOT = process.cwd();
const prod = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, any> };
const ADDRESS: string = prod.config["vault-eso:vault"].address;
const CA: string = prod.config["vault-eso:vault"].caCert;
const INJECTION = "VAULT_CA_PEM_END\nNODE_OPTIONS=--require=/tmp/evil.js\nREST<<VAULT_CA_PEM_END\n";

/** `${{ }}` as GitHub evaluates the few forms these steps use; anything else fails the test. */
function evaluate(text: string): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (expr === "matrix.stack") return "prod";
    if (expr === "matrix.suffix") return "PROD";
    if (/^vars\.VAULT_ADDR(_PROD)?$/.test(expr) || expr === "vars[format('VAULT_ADDR_{0}', matrix.suffix)]") return ADDRESS;
    throw new Error(`expression this test does not evaluate: ${expr}`);
  });
}

const all = fs.readdirSync(".github/workflows").flatMap((file) => {
  const wf = parse(fs.readFileSync(path.join(".github/workflows", file), "utf8")) as { jobs: Record<string, any> };
  return Object.entries(wf.jobs).flatMap(([name, job]) => {
    const step = (job.steps ?? []).find((s: any) => s.id === "vault-ca");
    return step ? [{ where: `${file} ${name}`, job, step }] : [];
  });
});
/** What a step runs with: its command, and the variables it reads (named in it, and VAULT_ADDR, which the script reads). */
const signature = (s: { job: any; step: any }) => {
  const run = evaluate(s.step.run);
  const env = Object.entries<string>({ ...s.job.env, ...s.step.env }).filter(([k]) => run.includes(k) || k === "VAULT_ADDR").map(([k, v]) => [k, evaluate(String(v))]);
  return JSON.stringify([run, env.sort()]);
};
/** Steps that are the same once evaluated run once: each run spawns Node. */
const steps = [...new Map(all.map((s) => [signature(s), s])).values()].map((s) => ({ ...s, where: all.filter((o) => signature(o) === signature(s)).map((o) => o.where).join(", ") }));

interface Result {
  code: number;
  env: Record<string, string>;
  output: string;
  stderr: string;
}

/** Runs one step in a fresh checkout of the repository whose Pulumi.prod.yaml is `vault`. */
function runStep(step: { job: any; step: any }, vault: Record<string, unknown>): Result {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-eso-ci-step-"));
  try {
    for (const f of ["node_modules", "scripts", "components", "policies", "package.json", "tsconfig.json", "Pulumi.yaml", "kind-ca.pem"]) fs.symlinkSync(path.join(ROOT, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stringify({ config: { ...prod.config, "vault-eso:vault": vault } }));
    const temp = path.join(dir, "_temp");
    fs.mkdirSync(temp);
    // What the runner's temp holds by then in the same job: the kubeconfig of a later step, here a stand-in.
    fs.writeFileSync(path.join(temp, "kubeconfig"), "apiVersion: v1\nusers:\n- user:\n    token: SECRET-KUBE-TOKEN\n");
    const [envFile, outFile] = [path.join(temp, "env"), path.join(temp, "output")];
    fs.writeFileSync(envFile, "");
    fs.writeFileSync(outFile, "");
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...(step.job.env ?? {}), ...(step.step.env ?? {}) })) vars[k] = evaluate(String(v));
    const r = spawnSync("bash", ["-e", "-c", evaluate(step.step.run)], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: "", RUNNER_TEMP: temp, GITHUB_ENV: envFile, GITHUB_OUTPUT: outFile, ...vars },
    });
    return { code: r.status ?? 1, env: parseEnvFile(fs.readFileSync(envFile, "utf8")), output: fs.readFileSync(outFile, "utf8"), stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("there are vault-ca steps to run", () => {
  expect(all.length).toBeGreaterThanOrEqual(3);
});

describe.each(steps)("$where: the vault-ca step", (s) => {
  test("hands a real CA on: VAULT_CACERT_BYTES and the base64 output hold the certificate", () => {
    const r = runStep(s, { address: ADDRESS, caCert: CA });
    expect(r.code).toBe(0);
    expect(r.env.VAULT_CACERT_BYTES).toMatch(/^-----BEGIN CERTIFICATE-----\n[^]*\n-----END CERTIFICATE-----$/);
    const b64 = /^base64=(.*)$/m.exec(r.output)![1];
    expect(Buffer.from(b64, "base64").toString().trim()).toBe(r.env.VAULT_CACERT_BYTES.trim());
  }, 30000);

  test("a crafted PEM (a fixed delimiter, then NODE_OPTIONS) sets no other variable", () => {
    const r = runStep(s, { address: ADDRESS, caCert: CA + INJECTION });
    expect(Object.keys(r.env).filter((k) => !["VAULT_CACERT_BYTES", "VAULT_CACERT"].includes(k))).toEqual([]);
    expect(JSON.stringify(r.env)).not.toContain("evil");
    expect(r.code).not.toBe(0);
  }, 30000);

  test("a stack file naming another Vault is refused before any token is asked for", () => {
    const r = runStep(s, { address: "https://attacker.example:8200", caCert: CA });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vault\.address is not the Vault this job's token is for/);
    expect(r.env).toEqual({});
  }, 30000);

  test("a caCertFile outside the repository (the runner's kubeconfig) is never read into the environment", () => {
    // The checkout's temp directory (a symlink or relative path would do the same) and an absolute path.
    for (const caCertFile of ["_temp/kubeconfig", "/etc/hostname"]) {
      const r = runStep(s, { address: ADDRESS, caCertFile });
      expect(r.code).not.toBe(0);
      expect(JSON.stringify(r.env) + r.output).not.toContain("SECRET-KUBE-TOKEN");
    }
  }, 30000);
});
