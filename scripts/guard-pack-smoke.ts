/**
 * End-to-end check of the CrossGuard pack in its real runtime, without the
 * Pulumi CLI: starts policies/guard exactly as the Node.js language host does
 * for `pulumi preview --policy-pack policies/guard` (node
 * `@pulumi/pulumi/cmd/run-policy-pack`, resolved from the pack directory, cwd =
 * pack directory, so the pack's TypeScript is compiled by ts-node), then plays
 * the engine over the Analyzer gRPC protocol: GetAnalyzerInfo, Configure,
 * Analyze (per resource, with protect in the options and an unknown value
 * encoded as the engine encodes it) and AnalyzeStack.
 *
 *   npm run guard:smoke
 *
 * Exits non-zero when any expectation fails. What it cannot show: the CLI's
 * own config validation and how it prints diagnostics.
 */
import { spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { POLICIES } from "../policies/guard/policies";

const PACK = path.resolve(__dirname, "..", "policies", "guard");
/** How the engine encodes an unknown string during preview (pulumi/sdk resource/plugin/rpc.go UnknownStringValue). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Diag {
  policy: string;
  message: string;
  level: string;
}

const failures: string[] = [];
function expect(what: string, ok: boolean, detail = ""): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${ok || !detail ? "" : `\n     ${detail}`}`);
  if (!ok) failures.push(what);
}

function call<Req, Res>(fn: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, (e, r) => (e ? reject(e) : resolve(r))));
}

const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const diags = (res: analyzer.AnalyzeResponse): Diag[] =>
  res.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), message: d.getMessage(), level: LEVELS[d.getEnforcementlevel()] ?? String(d.getEnforcementlevel()) }));

function resource(type: string, name: string, props: Record<string, unknown>, protect = false) {
  const opts = new analyzer.AnalyzerResourceOptions();
  opts.setProtect(protect);
  return { type, name, urn: `urn:pulumi:prod::vault-eso::${type}::${name}`, props: Struct.fromJavaScript(props as never), opts };
}

async function main(): Promise<void> {
  const runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK] });
  const started = Date.now();
  const child = spawn(process.execPath, [runPath, "127.0.0.1:1", "."], { cwd: PACK, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (d) => resolve(String(d).trim()));
    child.once("exit", (code) => reject(new Error(`the pack exited (${code}) before serving:\n${stderr}`)));
  });
  console.log(`pack loaded via ${path.relative(process.cwd(), runPath)} and serving on port ${port} after ${Date.now() - started} ms`);
  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    const policies = info.getPoliciesList();
    // The pack serves exactly the rules policies/guard/policies.ts lists (the module the pack's index.ts constructs from).
    const served = policies.map((p) => p.getName()).sort().join(",");
    const listed = POLICIES.map((p) => p.name).sort().join(",");
    expect(`GetAnalyzerInfo: pack "${info.getName()}" serves the ${POLICIES.length} rules of policies/guard/policies.ts`, info.getName() === "vault-eso-guard" && served === listed);
    expect(
      "every policy is mandatory and its description says how to fix a violation",
      policies.every((p) => LEVELS[p.getEnforcementlevel()] === "mandatory" && p.getDescription().includes("Fix:")),
    );
    const schema = policies.find((p) => p.getName() === "k8s-auth-role-binding")?.getConfigschema();
    const maxTtl = schema?.getProperties()?.toJavaScript().maxTokenTtlSeconds as { default?: number } | undefined;
    expect("config schema of k8s-auth-role-binding carries maxTokenTtlSeconds with default 86400", maxTtl?.default === 86400, JSON.stringify(maxTtl));

    const configure = new analyzer.ConfigureAnalyzerRequest();
    const roleConfig = new analyzer.PolicyConfig();
    roleConfig.setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY);
    roleConfig.setProperties(Struct.fromJavaScript({ maxTokenTtlSeconds: 600 }));
    configure.getPolicyconfigMap().set("k8s-auth-role-binding", roleConfig);
    await call(client.configure.bind(client), configure);

    // AnalyzeRequest and AnalyzerResource carry a resource the same way.
    const fill = <M extends analyzer.AnalyzeRequest | analyzer.AnalyzerResource>(m: M, r: ReturnType<typeof resource>): M => {
      m.setType(r.type);
      m.setName(r.name);
      m.setUrn(r.urn);
      m.setProperties(r.props);
      m.setOptions(r.opts);
      return m;
    };
    const analyze = async (r: ReturnType<typeof resource>) =>
      diags(await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(client.analyze.bind(client), fill(new analyzer.AnalyzeRequest(), r)));

    const store = { apiVersion: "external-secrets.io/v1beta1", kind: "ClusterSecretStore", metadata: { name: "vault-backend" }, spec: { conditions: [{ namespaces: ["a"] }], provider: { vault: { server: "https://v" } } } };
    let d = await analyze(resource("kubernetes:external-secrets.io/v1beta1:ClusterSecretStore", "store", store));
    expect("Analyze: a v1beta1 ClusterSecretStore is a mandatory eso-api-versions violation", d.length === 1 && d[0].policy === "eso-api-versions" && d[0].level === "mandatory", JSON.stringify(d));

    const mount = { path: "secret", type: "kv", options: { version: "2" } };
    d = await analyze(resource("vault:index/mount:Mount", "kv", mount, false));
    expect("Analyze: protect=false in the request options fails kv-mount-protected", d.length === 1 && d[0].policy === "kv-mount-protected", JSON.stringify(d));
    d = await analyze(resource("vault:index/mount:Mount", "kv", mount, true));
    expect("Analyze: protect=true passes", d.length === 0, JSON.stringify(d));

    const role = { roleName: "r", boundServiceAccountNames: ["eso"], boundServiceAccountNamespaces: ["eso"], audience: "vault", tokenTtl: 900, tokenMaxTtl: 900 };
    d = await analyze(resource("vault:kubernetes/authBackendRole:AuthBackendRole", "role", role));
    expect("Configure: maxTokenTtlSeconds=600 reaches the rule (900 s TTLs now fail)", d.length === 2 && d.every((x) => x.message.includes("exceeds 600s")), JSON.stringify(d));

    d = await analyze(resource("vault:index/policy:Policy", "tenants", { name: "vault-eso-tenants", policy: UNKNOWN_STRING }));
    expect(
      "Analyze: an unknown policy text (preview) gives advisory \"can't run ... during preview\" notes, no violation",
      d.length > 0 && d.every((x) => x.level === "advisory" && x.message.includes("during preview")),
      JSON.stringify(d),
    );
    d = await analyze(resource("vault:index/policy:Policy", "seed-004", { name: "p", policy: 'path "secret/*" {\n  capabilities = ["create", "read", "update", "delete", "list"]\n}\n' }));
    expect(
      "Analyze: seed 004's secret/* policy fails vault-policy-least-privilege (parsed by the HCL parser in the pack): a whole mount, and, as a pattern, another namespace's sys/",
      d.length === 2 && d.every((x) => x.policy === "vault-policy-least-privilege") && d.some((x) => x.message.includes("whole mount")) && d.some((x) => x.message.includes('ACL and other policies at "secret/sys/policy/x"')),
      JSON.stringify(d),
    );

    const tenant = (name: string, glob: string) => [
      resource("kubernetes:core/v1:Namespace", `${name}-ns`, { metadata: { name, labels: { "vault-eso.io/tenant": name } } }),
      resource("vault:index/policy:Policy", `${name}-policy`, { name: `tenant-${name}`, policy: `path "secret/data/acme/${glob}" {\n  capabilities = ["read"]\n}\n` }),
      resource("vault:kubernetes/authBackendRole:AuthBackendRole", `${name}-role`, { ...role, roleName: `tenant-${name}`, boundServiceAccountNamespaces: [name], tokenPolicies: [`tenant-${name}`] }),
      resource("kubernetes:external-secrets.io/v1:SecretStore", `${name}-store`, { metadata: { name: "vault", namespace: name }, spec: { provider: { vault: { auth: { kubernetes: { role: `tenant-${name}` } } } } } }),
    ];
    const stack = new analyzer.AnalyzeStackRequest();
    stack.setResourcesList(
      [...tenant("team-a", "team*"), ...tenant("team-b", "team-b/*")].map((r) => fill(new analyzer.AnalyzerResource(), r)),
    );
    d = diags(await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(client.analyzeStack.bind(client), stack));
    expect(
      "AnalyzeStack: a widened tenant policy overlapping a sibling fails tenant-reach-disjoint",
      d.length === 1 && d[0].policy === "tenant-reach-disjoint" && d[0].message.includes('"team-a" and "team-b" both reach'),
      JSON.stringify(d),
    );
  } finally {
    client.close();
    child.kill();
  }
  if (failures.length > 0) {
    console.error(`${failures.length} expectation(s) failed`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
