/**
 * Runs a Pulumi program under the mock engine (no CLI, cluster, Vault or
 * credentials) and records every resource registration as the engine would
 * receive it.
 *
 * How dependencies are recorded: `Mocks.newResource` only sees type, name and
 * inputs, and resource transforms are not run by the mock monitor (they are
 * handed to `newResource` as opaque callbacks). So we wrap the mock monitor's
 * `registerResource`, the one gRPC call the SDK makes per resource, and read
 * the request itself: its parent URN, its dependency URNs (the SDK's
 * `allDirectDependencyURNs`: explicit `dependsOn`, expanded from components to
 * their custom descendants, plus every resource whose outputs flowed into the
 * inputs), its provider reference and its options (protect,
 * retainOnDelete, additionalSecretOutputs, ...). That is exactly what the
 * engine uses to order `pulumi up`.
 *
 * CommonJS only (it `require`s the program): run it under ts-node.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installMocks } from "./mocks";

export interface CapturedOptions {
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly deleteBeforeReplace?: boolean;
  readonly ignoreChanges?: string[];
  readonly additionalSecretOutputs?: string[];
  /** The `import` option: the provider's ID of an existing object to adopt. */
  readonly importId?: string;
}

export interface Captured {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Custom resource (real work for a provider) or component (a grouping only). */
  readonly custom: boolean;
  /**
   * A component implemented by a provider (e.g. `helm.v4.Chart`, cert-manager's
   * `CertManager`): under mocks one opaque resource whose inputs are all there is to see.
   */
  readonly remote?: boolean;
  readonly parent?: string;
  /** URNs this resource waits for (sorted, without the provider). */
  readonly dependencies: string[];
  /** URN of the explicit provider resource, if any. */
  readonly provider?: string;
  /** Inputs as the engine receives them; secrets still wrapped in Pulumi's secret marker. */
  readonly inputs: Record<string, unknown>;
  /** With `startRecording(..., { wire: true })`: the request's `object` Struct as JSON, sentinels as sent. */
  readonly wire?: Record<string, unknown>;
  readonly options: CapturedOptions;
  /** The `aliases` option as the request carries it (alias URNs, or specs the engine turns into URNs). */
  readonly aliases?: ReadonlyArray<string | AliasSpec>;
}

/** One structured alias of a RegisterResourceRequest (pulumi proto alias.proto `Alias.Spec`; empty fields: the resource's own). */
export interface AliasSpec {
  readonly name?: string;
  readonly type?: string;
  readonly stack?: string;
  readonly project?: string;
  readonly parentUrn?: string;
  readonly noParent?: boolean;
}

interface AliasProto {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

function aliasesOf(list: AliasProto[] | undefined): Array<string | AliasSpec> | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((a) => {
    const spec = a.getSpec();
    if (!spec) return a.getUrn();
    const out: Record<string, unknown> = { name: spec.getName(), type: spec.getType(), stack: spec.getStack(), project: spec.getProject(), parentUrn: spec.getParenturn(), noParent: spec.getNoparent() };
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== "" && v !== false)) as AliasSpec;
  });
}

/** The parts of the generated RegisterResourceRequest we read. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote?(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): unknown } | undefined;
  getProtect?(): boolean;
  getRetainondelete?(): boolean;
  getDeletebeforereplace?(): boolean;
  getIgnorechangesList?(): string[];
  getAdditionalsecretoutputsList?(): string[];
  getImportid?(): string;
  getAliasesList?(): AliasProto[];
}
type Callback = (err: unknown, resp?: { getUrn(): string }) => void;
interface Monitor {
  registerResource(req: RegisterRequest, cb: Callback): void;
}

/** `runtime.getMonitor`/`waitForRPCs`/`deserializeProperties` exist at runtime; some are marked internal in the typings. */
const runtime = pulumi.runtime as unknown as {
  getMonitor(): Monitor | undefined;
  waitForRPCs(): Promise<void>;
  deserializeProperties(struct: unknown): Record<string, unknown>;
};

export interface Recorder {
  readonly captured: Captured[];
  /** Resolves once the program has stopped registering resources. */
  settle(): Promise<void>;
}

/**
 * Installs the project's mocks (scripts/lib/mocks.ts, which the tests use too: the same computed
 * outputs the tests use) and starts recording. Call before loading the program.
 */
export function startRecording(project: string, stack: string, opts: { wire?: boolean; organization?: string } = {}): Recorder {
  installMocks(stack, project, opts.organization);
  const monitor = runtime.getMonitor();
  if (!monitor || typeof monitor.registerResource !== "function") {
    throw new Error("@pulumi/pulumi's mock monitor has no registerResource: cannot record the graph");
  }
  const captured: Captured[] = [];
  let pending = 0;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    pending++;
    const providerRef = req.getProvider();
    const base = {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      remote: req.getRemote?.() || undefined,
      parent: req.getParent() || undefined,
      dependencies: [...new Set(req.getDependenciesList())].sort(),
      // A provider reference is "<urn>::<id>"; URNs themselves contain "::".
      provider: providerRef ? providerRef.slice(0, providerRef.lastIndexOf("::")) : undefined,
      inputs: runtime.deserializeProperties(req.getObject()),
      ...(opts.wire ? { wire: (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown> } : {}),
      options: {
        protect: req.getProtect?.() || undefined,
        retainOnDelete: req.getRetainondelete?.() || undefined,
        deleteBeforeReplace: req.getDeletebeforereplace?.() || undefined,
        ignoreChanges: nonEmpty(req.getIgnorechangesList?.()),
        additionalSecretOutputs: nonEmpty(req.getAdditionalsecretoutputsList?.()),
        importId: req.getImportid?.() || undefined,
      },
      aliases: aliasesOf(req.getAliasesList?.()),
    };
    original(req, (err, resp) => {
      pending--;
      if (!err && resp) captured.push({ urn: resp.getUrn(), ...base });
      cb(err, resp);
    });
  };

  return {
    captured,
    async settle() {
      // Resources created inside `apply` callbacks register after others resolve:
      // wait until the RPC queue is drained and nothing new appeared for a few turns.
      let stableTurns = 0;
      let last = -1;
      while (stableTurns < 3) {
        await runtime.waitForRPCs();
        await new Promise((r) => setImmediate(r));
        if (pending === 0 && captured.length === last) stableTurns++;
        else {
          stableTurns = 0;
          last = captured.length;
        }
      }
    },
  };
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length ? [...new Set(list)].sort() : undefined;
}

/**
 * The program's stack outputs (its module exports) as the engine would store them,
 * every Pulumi secret as `secretMark`. Rejects if an output fails (e.g. a tenant
 * stack's refused tenant).
 */
export async function resolveExports(exports: Record<string, unknown>, secretMark: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(exports)) {
    if (v === undefined || typeof v === "function") continue;
    const o = pulumi.output(v) as unknown as { promise(): Promise<unknown>; isSecret: Promise<boolean> };
    const value = await o.promise();
    out[k] = (await o.isSecret) ? secretMark : value;
  }
  return out;
}

/** Sets the stack's config and loads the program (e.g. index.ts) under the recorder's mocks. */
export function loadProgram(programFile: string, config: Record<string, string>, secretKeys: string[]): Record<string, unknown> {
  pulumi.runtime.setAllConfig(config, secretKeys);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.resolve(programFile)) as Record<string, unknown>;
}
