/**
 * A stand-in Pulumi engine: a gRPC ResourceMonitor + Engine on 127.0.0.1, and the program launched
 * the way `pulumi preview` / `pulumi up` launch it, so the real runtime (`@pulumi/pulumi/cmd/run`:
 * ts-node, config from the environment, protobuf structs with secret and unknown sentinels, error
 * printing, exit codes) runs instead of `setMocks`.
 *
 * The launch is a model of pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`
 * (read at 1b5949891b3cefcb9974752b24a5ecef0acc86c8):
 * - `parseOptions`: Pulumi.yaml `runtime.options` `typescript` (default true), `tsconfig`, `nodeargs`;
 * - `execRuntime`: env `PULUMI_CONFIG` (`constructConfig`: each `<ns>:<name>` key rewritten to
 *   `<ns>:config:<name>`, values as the engine holds them: strings, objects as JSON),
 *   `PULUMI_CONFIG_SECRET_KEYS` (`constructConfigSecretKeys`: the engine's keys, JSON array, not
 *   rewritten), `PULUMI_NODEJS_TYPESCRIPT=true` when `typescript`, `PULUMI_NODEJS_TSCONFIG_PATH` when
 *   `tsconfig`; command `node <nodeargs split like a shell> <runPath> <constructArguments>`;
 * - `locateModule`: runPath is `require.resolve("@pulumi/pulumi/cmd/run")` from the program directory;
 * - `constructArguments`: `--monitor --engine --sync --organization --project --root-directory --stack
 *   --pwd [--dry-run] --parallel <entryPoint>`;
 * - pulumi/pulumi `pkg/engine/project.go` `getPwdMain`: `main: index.ts` -> pwd = project dir,
 *   entry point `index.ts`; `pkg/cmd/pulumi/operations/up.go` `defaultParallel`: 4 x GOMAXPROCS.
 *
 * What the engine answers (a model of what `pulumi preview`/`up` answer before any provider runs):
 * every registration gets the URN `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`;
 * outputs are the inputs (secrets stay secret), plus what the providers compute
 * (scripts/lib/provider-outputs.ts: known on update, unknown on preview), with
 * `additionalSecretOutputs` made secret as the engine does. Reads answer the stand-in state.
 * Unknown RPCs fail the run. CommonJS: run it under ts-node.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { languageHostConfig, makeUrn, pwdMain, readProjectFile, RuntimeOptions, splitArgs } from "./language-host";
import { computedOutputs, readState } from "./provider-outputs";
import { isSecretValue as isSecret, SECRET_SIG, SIG_KEY, UNKNOWN } from "./wire";

export interface WireRegistration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly custom: boolean;
  readonly remote?: boolean;
  /** Provider reference without the `::<id>` suffix. */
  readonly provider?: string;
  readonly dependencies: string[];
  /** The request's `object` Struct as JSON: secret and unknown sentinels as the SDK sent them. */
  readonly inputs: Record<string, unknown>;
  readonly options: {
    readonly protect?: boolean;
    readonly retainOnDelete?: boolean;
    readonly deleteBeforeReplace?: boolean;
    readonly ignoreChanges?: string[];
    readonly additionalSecretOutputs?: string[];
    readonly aliases?: number;
    /** The `import` option: the provider ID of an existing object to adopt (vault-eso:adopt). */
    readonly importId?: string;
  };
}

export interface EngineLog {
  readonly severity: string;
  readonly message: string;
  readonly urn?: string;
}

export interface EngineRun {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly logs: EngineLog[];
  readonly registrations: WireRegistration[];
  readonly reads: Array<{ type: string; name: string; id: string }>;
  /** The stack's outputs as the SDK registered them (RegisterResourceOutputs on the root). */
  readonly stackOutputs?: Record<string, unknown>;
  readonly rootUrn?: string;
  readonly shutdownSignalled: boolean;
  /** RPCs the stand-in does not serve (a run that made one is not a faithful run). */
  readonly unsupported: string[];
  /** How the program was launched (env values of PULUMI_CONFIG* elided to their keys). */
  readonly launch: { node: string; argv: string[]; env: Record<string, string> };
  /** Wall time; the child's CPU time (user + system, all threads) and peak RSS, from /proc. */
  readonly wallMs: number;
  readonly cpuMs?: number;
  readonly peakRssMiB?: number;
}

export interface EngineRunOptions {
  readonly projectDir: string;
  readonly stack: string;
  /** The engine's config map: `vault-eso:kv` -> string / JSON (scripts/lib/stack-file.ts flattenConfig). */
  readonly config: Readonly<Record<string, string>>;
  /** The engine's secret keys (`vault-eso:vaultToken`). */
  readonly secretKeys: readonly string[];
  readonly dryRun: boolean;
  /** Overrides Pulumi.yaml (a fixture program, other runtime options); default: what Pulumi.yaml says. */
  readonly main?: string;
  readonly options?: RuntimeOptions;
  readonly organization?: string;
  readonly parallel?: number;
  readonly timeoutMs?: number;
  /** Extra environment for the program (e.g. PULUMI_NODEJS_TRANSPILE_ONLY, for the benchmark's variants). */
  readonly env?: Readonly<Record<string, string>>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const secret = (v: unknown) => ({ [SIG_KEY]: SECRET_SIG, value: v });

/** The first `name` on PATH, as Go's exec.LookPath finds it. */
export function lookPath(name: string, envPath = process.env.PATH ?? ""): string {
  for (const dir of envPath.split(path.delimiter)) {
    const p = path.join(dir || ".", name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  throw new Error(`could not find ${name} on the $PATH`);
}

/** This process's `/proc/self/stat` fields 14-17 (utime, stime, cutime, cstime) in ms (USER_HZ = 100). */
function selfTimes(): { cutimeMs: number } | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { cutimeMs: (Number(f[13]) + Number(f[14])) * 10 };
  } catch {
    return undefined;
  }
}

/** A running process's peak RSS (VmHWM) in MiB. */
function peakRss(pid: number): number | undefined {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return hwm ? Math.round(Number(hwm[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** What the stand-in engine serves: the monitor's view of one deployment. */
export interface StandInOptions {
  readonly project: string;
  readonly stack: string;
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  readonly dryRun: boolean;
  readonly organization?: string;
  readonly parallel?: number;
}

/** A running stand-in engine (ResourceMonitor + Engine on 127.0.0.1) and what it has recorded so far. */
export interface StandIn {
  readonly address: string;
  readonly registrations: WireRegistration[];
  readonly reads: EngineRun["reads"];
  readonly logs: EngineLog[];
  readonly unsupported: string[];
  readonly state: { stackOutputs?: Record<string, unknown>; rootUrn?: string; shutdownSignalled: boolean };
  close(): void;
}

/** Starts the stand-in engine's gRPC services (also what a component provider's Construct registers into). */
export async function startStandIn(o: StandInOptions): Promise<StandIn> {
  const project = o.project;
  const registrations: WireRegistration[] = [];
  const reads: EngineRun["reads"] = [];
  const logs: EngineLog[] = [];
  const unsupported: string[] = [];
  const state: StandIn["state"] = { shutdownSignalled: false };
  const stack = o.stack;
  const unimplemented = (name: string) => (_call: unknown, cb: grpc.sendUnaryData<never>) => {
    unsupported.push(name);
    cb({ code: grpc.status.UNIMPLEMENTED, details: `stand-in engine: ${name} is not served` }, null);
  };

  const monitor: Partial<resrpc.IResourceMonitorServer> = {
    supportsFeature(call, cb) {
      // Every feature the current engine has (sdk/go pulumirpc ResourceMonitorFeature).
      cb(null, new resproto.SupportsFeatureResponse().setHassupport(true));
      void call;
    },
    getDeploymentInfo(_call, cb) {
      const F = resproto.ResourceMonitorFeature;
      const info = new resproto.DeploymentInfo()
        .setProject(project)
        .setStack(stack)
        .setOrganization(o.organization ?? "organization")
        .setDryrun(o.dryRun)
        .setParallel(o.parallel ?? os.availableParallelism() * 4)
        .setConfigsecretkeysList([...o.secretKeys])
        .setSupportedfeaturesList(
          Object.entries(F)
            .filter(([k]) => k !== "RESOURCE_MONITOR_FEATURE_UNSPECIFIED")
            .map(([, v]) => v as resproto.ResourceMonitorFeature),
        );
      for (const [k, v] of Object.entries(o.config)) info.getConfigMap().set(k, v);
      cb(null, info);
    },
    registerResource(call, cb) {
      const req = call.request;
      const type = req.getType();
      const name = req.getName();
      const parent = req.getParent() || undefined;
      const urn = makeUrn(stack, project, parent, type, name);
      const inputs = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      const providerRef = req.getProvider();
      const nonEmpty = (l: string[]) => (l.length ? [...new Set(l)].sort() : undefined);
      registrations.push({
        urn,
        type,
        name,
        parent,
        custom: req.getCustom(),
        remote: req.getRemote() || undefined,
        provider: providerRef ? providerRef.slice(0, providerRef.lastIndexOf("::")) : undefined,
        dependencies: [...new Set(req.getDependenciesList())].sort(),
        inputs,
        options: {
          protect: req.getProtect() || undefined,
          retainOnDelete: req.getRetainondelete() || undefined,
          deleteBeforeReplace: req.getDeletebeforereplace() || undefined,
          ignoreChanges: nonEmpty(req.getIgnorechangesList()),
          additionalSecretOutputs: nonEmpty(req.getAdditionalsecretoutputsList()),
          aliases: req.getAliasesList().length || undefined,
          importId: req.getImportid() || undefined,
        },
      });
      if (type === "pulumi:pulumi:Stack") state.rootUrn = urn;
      const outputs: Record<string, unknown> = { ...inputs };
      if (req.getCustom()) {
        for (const [k, v] of Object.entries(computedOutputs(type, name, inputs))) outputs[k] = o.dryRun ? UNKNOWN : v;
      }
      for (const k of req.getAdditionalsecretoutputsList()) {
        if (k in outputs && !isSecret(outputs[k])) outputs[k] = secret(outputs[k]);
      }
      const resp = new resproto.RegisterResourceResponse().setUrn(urn).setObject(Struct.fromJavaScript(outputs as Record<string, Json>));
      if (req.getCustom()) resp.setId(o.dryRun ? "" : `${name}-id`);
      cb(null, resp);
    },
    registerResourceOutputs(call, cb) {
      const req = call.request;
      if (req.getUrn() === state.rootUrn) state.stackOutputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      cb(null, new Empty());
    },
    readResource(call, cb) {
      const req = call.request;
      const urn = makeUrn(stack, project, req.getParent() || undefined, req.getType(), req.getName());
      reads.push({ type: req.getType(), name: req.getName(), id: req.getId() });
      const state = readState(req.getType(), req.getId()) ?? ((req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>);
      const props: Record<string, unknown> = { ...state };
      for (const k of req.getAdditionalsecretoutputsList()) if (k in props && !isSecret(props[k])) props[k] = secret(props[k]);
      cb(null, new resproto.ReadResourceResponse().setUrn(urn).setProperties(Struct.fromJavaScript(props as Record<string, Json>)));
    },
    signalAndWaitForShutdown(_call, cb) {
      state.shutdownSignalled = true;
      cb(null, new Empty());
    },
    invoke: unimplemented("Invoke"),
    call: unimplemented("Call"),
    registerStackTransform: unimplemented("RegisterStackTransform"),
    registerStackInvokeTransform: unimplemented("RegisterStackInvokeTransform"),
    registerResourceHook: unimplemented("RegisterResourceHook"),
    registerErrorHook: unimplemented("RegisterErrorHook"),
    registerPackage: unimplemented("RegisterPackage"),
  };

  const SEVERITY = Object.fromEntries(Object.entries(engproto.LogSeverity).map(([k, v]) => [v, k])) as Record<number, string>;
  const engine: Partial<engrpc.IEngineServer> = {
    log(call, cb) {
      const r = call.request;
      logs.push({ severity: SEVERITY[r.getSeverity()] ?? String(r.getSeverity()), message: r.getMessage(), urn: r.getUrn() || undefined });
      cb(null, new Empty());
    },
    getRootResource(_call, cb) {
      cb(null, new engproto.GetRootResourceResponse().setUrn(state.rootUrn ?? ""));
    },
    setRootResource(call, cb) {
      state.rootUrn = call.request.getUrn();
      cb(null, new engproto.SetRootResourceResponse());
    },
    startDebugging: unimplemented("StartDebugging"),
    requirePulumiVersion(_call, cb) {
      cb(null, new engproto.RequirePulumiVersionResponse());
    },
  };

  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(resrpc.ResourceMonitorService, monitor as resrpc.IResourceMonitorServer);
  server.addService(engrpc.EngineService, engine as engrpc.IEngineServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, registrations, reads, logs, unsupported, state, close: () => server.forceShutdown() };
}

export async function runUnderEngine(o: EngineRunOptions): Promise<EngineRun> {
  const projectFile = readProjectFile(o.projectDir);
  const project = projectFile.name;
  const options = o.options ?? projectFile.options;
  const stack = o.stack;
  const standIn = await startStandIn({ project, stack, config: o.config, secretKeys: o.secretKeys, dryRun: o.dryRun, organization: o.organization, parallel: o.parallel });
  const { address, registrations, reads, logs, unsupported, state } = standIn;

  const syncDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-nodejs-sync-"));

  try {
    const root = path.resolve(o.projectDir);
    const { pwd, entryPoint } = pwdMain(root, o.main ?? projectFile.main);
    const node = lookPath("node");
    const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [pwd] });
    const argv = [
      ...splitArgs(options.nodeargs),
      runPath,
      "--monitor", address,
      "--engine", address,
      "--sync", syncDir,
      "--organization", o.organization ?? "organization",
      "--project", project,
      "--root-directory", root,
      "--stack", stack,
      "--pwd", pwd,
      ...(o.dryRun ? ["--dry-run"] : []),
      "--parallel", String(o.parallel ?? os.availableParallelism() * 4),
      entryPoint,
    ];
    const hostEnv: Record<string, string> = {
      PULUMI_CONFIG: JSON.stringify(languageHostConfig(o.config)),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(o.secretKeys),
      ...(options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
      ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    };
    // The language host passes its own environment on; drop what a test runner sets that `pulumi` would not.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(PULUMI_|NODE_OPTIONS$|JEST_WORKER_ID$|TS_NODE_)/.test(k)),
    ) as Record<string, string>;
    const env = { ...inherited, ...(o.env ?? {}), ...hostEnv };

    const t0 = process.hrtime.bigint();
    const child = spawn(node, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // Peak RSS: sampled from /proc while the child runs (a high-water mark: the last sample holds it).
    // CPU: the growth of this process's children's times once the child is reaped (only meaningful
    // when one run at a time is waited for, as the benchmark does).
    const before = selfTimes();
    let rss: number | undefined;
    const sampler = setInterval(() => (rss = peakRss(child.pid!) ?? rss), 25);
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 480_000);
    const [exitCode, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
    clearInterval(sampler);
    clearTimeout(timer);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const after = selfTimes();
    return {
      exitCode,
      signal,
      stdout,
      stderr,
      logs,
      registrations,
      reads,
      stackOutputs: state.stackOutputs,
      rootUrn: state.rootUrn,
      shutdownSignalled: state.shutdownSignalled,
      unsupported,
      launch: { node, argv, env: Object.fromEntries(Object.entries(hostEnv).map(([k, v]) => [k, k.startsWith("PULUMI_CONFIG") ? `<${v.length} chars>` : v])) },
      wallMs: Math.round(wallMs),
      cpuMs: before && after ? after.cutimeMs - before.cutimeMs : undefined,
      peakRssMiB: rss,
    };
  } finally {
    standIn.close();
    fs.rmSync(syncDir, { recursive: true, force: true });
  }
}
