/**
 * The component package as the engine drives it: the plugin launched the way the Node.js language host launches a
 * component plugin (`node <@pulumi/pulumi/cmd/run-plugin> <plugin dir>`; run-plugin/run.js requires the directory,
 * i.e. package.json `main`, with ts-node registered, finds the ComponentResource classes and calls
 * provider/experimental `componentProviderHost`, whose provider/server.js `main` prints the gRPC port on stdout),
 * then spoken to over gRPC as the engine does: Configure, GetSchema, Construct with the inputs a YAML `${...}` or
 * another language's output becomes on the wire (provider/server.js `deserializeInputs`: output values with
 * `acceptOutputs`, the unknown sentinel, secrets, per-property dependencies), the children registering into the
 * stand-in engine (scripts/lib/stand-in-engine.ts). CommonJS: run it under ts-node.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { lookPath, startStandIn, type EngineLog, type WireRegistration } from "./stand-in-engine";
import { SIG_KEY, SECRET_SIG, UNKNOWN } from "./wire";

/** pulumi/pulumi sdk/nodejs/runtime/rpc.ts `specialOutputValueSig`. */
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** An output value on the wire, as the engine marshals one with `KeepOutputValues` (unknown: no `value`). */
export function outputValue(value: unknown, o: { secret?: boolean; dependencies?: string[]; known?: boolean } = {}): Record<string, unknown> {
  return {
    [SIG_KEY]: OUTPUT_VALUE_SIG,
    ...(o.known === false ? {} : { value }),
    ...(o.secret ? { secret: true } : {}),
    ...(o.dependencies?.length ? { dependencies: o.dependencies } : {}),
  };
}

/** A secret on the wire (an engine that sends secrets without output values). */
export const secretValue = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
export { UNKNOWN };

/** The URNs an input names as dependencies (output values' `dependencies`), per top-level property, as the engine sends them. */
export function inputDependencies(inputs: Record<string, unknown>): Record<string, string[]> {
  const deps = (v: unknown): string[] => {
    if (Array.isArray(v)) return v.flatMap(deps);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const own = o[SIG_KEY] === OUTPUT_VALUE_SIG && Array.isArray(o.dependencies) ? (o.dependencies as string[]) : [];
      return [...own, ...Object.values(o).flatMap(deps)];
    }
    return [];
  };
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, [...new Set(deps(v))]]).filter(([, d]) => d.length > 0));
}

export interface ConstructCall {
  readonly type: string;
  readonly name: string;
  /** Wire JSON: plain values, `outputValue(...)`, `UNKNOWN`, `secretValue(...)`. */
  readonly inputs: Record<string, unknown>;
  readonly dryRun: boolean;
  readonly project?: string;
  readonly stack?: string;
}

export interface ConstructResult {
  readonly urn?: string;
  /** The component's outputs as the provider returned them (wire JSON). */
  readonly state?: Record<string, unknown>;
  /** gRPC error details when Construct failed. */
  readonly error?: string;
  /** What the construct registered (the component and its children). */
  readonly registrations: WireRegistration[];
  readonly logs: EngineLog[];
}

export interface ComponentHost {
  getSchema(): Promise<Record<string, unknown>>;
  construct(call: ConstructCall): Promise<ConstructResult>;
  readonly stderr: () => string;
  close(): void;
}

/** Launches the plugin in `pluginDir` as the language host does and connects to it. */
export async function launchComponentHost(pluginDir: string, o: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ComponentHost> {
  const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [pluginDir] });
  // The language host passes its own environment on; drop what a test runner sets that `pulumi` would not.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PULUMI_|NODE_OPTIONS$|JEST_WORKER_ID$|TS_NODE_)/.test(k))) as Record<string, string>;
  // The engine the plugin logs to (its address is the plugin's argument, provider/server.js parseArgs).
  const engine = await startStandIn({ project: "consumer", stack: "test", config: {}, secretKeys: [], dryRun: false });
  const child: ChildProcess = spawn(lookPath("node"), [runPlugin, path.resolve(pluginDir), engine.address], { cwd: pluginDir, env: { ...env, ...(o.env ?? {}) }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the plugin printed no port within ${o.timeoutMs ?? 300000} ms:\n${stderr}`)), o.timeoutMs ?? 300000);
    child.stdout!.on("data", (d) => {
      stdout += d;
      const m = /^(\d+)\s*$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port:\n${stderr}`)));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  const unary = <Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req) =>
    new Promise<Res>((resolve, reject) => method.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
  await unary(client.configure, new provproto.ConfigureRequest().setAcceptsecrets(true).setAcceptresources(true));

  return {
    async getSchema() {
      const res = await unary<provproto.GetSchemaRequest, provproto.GetSchemaResponse>(client.getSchema, new provproto.GetSchemaRequest());
      return JSON.parse(res.getSchema());
    },
    async construct(call) {
      const project = call.project ?? "consumer";
      const stack = call.stack ?? "test";
      const standIn = await startStandIn({ project, stack, config: {}, secretKeys: [], dryRun: call.dryRun });
      const logsFrom = engine.logs.length;
      const logs = () => engine.logs.slice(logsFrom);
      try {
        const req = new provproto.ConstructRequest()
          .setProject(project)
          .setStack(stack)
          .setOrganization("organization")
          .setDryrun(call.dryRun)
          .setParallel(4)
          .setMonitorendpoint(standIn.address)
          .setType(call.type)
          .setName(call.name)
          .setAcceptsOutputValues(true)
          .setInputs(Struct.fromJavaScript(call.inputs as never));
        for (const [k, urns] of Object.entries(inputDependencies(call.inputs))) {
          req.getInputdependenciesMap().set(k, new provproto.ConstructRequest.PropertyDependencies().setUrnsList(urns));
        }
        try {
          const res = await unary<provproto.ConstructRequest, provproto.ConstructResponse>(client.construct, req);
          return { urn: res.getUrn(), state: (res.getState()?.toJavaScript() ?? {}) as Record<string, unknown>, registrations: standIn.registrations, logs: logs() };
        } catch (e) {
          return { error: (e as grpc.ServiceError).details ?? String(e), registrations: standIn.registrations, logs: logs() };
        }
      } finally {
        standIn.close();
      }
    },
    stderr: () => stderr,
    close() {
      client.close();
      child.kill();
      engine.close();
    },
  };
}

/**
 * A Pulumi YAML program's component resources, constructed in order as pulumi-yaml would send them: a property
 * `${res.out}` becomes the output value of `res`'s Construct state (with `res`'s URN as its dependency), `${key}`
 * the config value, literals stay literals; `options.dependsOn` becomes the Construct's dependencies. Only what
 * examples/yaml uses: whole-string interpolations of a resource output or a config key.
 */
export async function constructYamlProgram(
  host: ComponentHost,
  program: { resources: Record<string, { type: string; properties?: Record<string, unknown> }> },
  o: { config: Record<string, string>; secretConfig?: string[]; dryRun: boolean },
): Promise<Record<string, ConstructResult>> {
  const results: Record<string, ConstructResult> = {};
  const resolve = (v: unknown): unknown => {
    if (typeof v === "string") {
      const m = /^\$\{([\w-]+)(?:\.(\w+))?\}$/.exec(v);
      if (!m) return v;
      if (m[2] === undefined) {
        if (!(m[1] in o.config)) throw new Error(`\${${m[1]}}: no such config key`);
        // A secret config value reaches a component as a secret output value.
        return o.secretConfig?.includes(m[1]) ? outputValue(o.config[m[1]], { secret: true }) : o.config[m[1]];
      }
      const r = results[m[1]];
      if (!r?.urn) throw new Error(`\${${m[1]}.${m[2]}}: ${m[1]} was not constructed (${r?.error ?? "not yet"})`);
      const out = r.state?.[m[2]];
      // The state carries output values or plain values; either way the property becomes an output value of it.
      const inner = out && typeof out === "object" && (out as Record<string, unknown>)[SIG_KEY] === OUTPUT_VALUE_SIG ? (out as Record<string, unknown>) : undefined;
      const known = inner ? "value" in inner : out !== UNKNOWN;
      return outputValue(inner ? inner.value : out, { known, secret: inner?.secret === true, dependencies: [r.urn] });
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, resolve(e)]));
    return v;
  };
  for (const [name, res] of Object.entries(program.resources)) {
    results[name] = await host.construct({ type: res.type, name, inputs: resolve(res.properties ?? {}) as Record<string, unknown>, dryRun: o.dryRun });
  }
  return results;
}
