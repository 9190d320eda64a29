/**
 * Pulumi mock engine for tests: records every registered resource with its
 * inputs, and returns the provider-computed outputs the program reads
 * (auth mount accessors, service-account token data).
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { computedOutputs, readState } from "./provider-outputs";

/**
 * URNs as the engine makes them. The SDK's MockMonitor.newUrn (@pulumi/pulumi 3.270 runtime/mocks.js) qualifies a
 * child's type with its parent's last type only, so a resource three levels down (VaultEsoPlatform > TenantNamespace
 * > Policy) gets another URN under mocks than from the engine, which qualifies with the parent's whole type chain
 * (pulumi/pulumi pkg/resource/urn.go NewURN with the parent's QualifiedType; sdk/nodejs/resource.ts createUrn: the
 * parent URN's type part + "$" + type; the stack's type is never a prefix). test/engine/runtime.test.ts compares the
 * two and fails on any difference.
 */
(MockMonitor.prototype as unknown as { newUrn(parent: string, type: string, name: string): string }).newUrn = function (parent, type, name) {
  const qualified = parent ? parent.split("::")[2] : undefined;
  const full = qualified && qualified !== "pulumi:pulumi:Stack" ? `${qualified}$${type}` : type;
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${full}::${name}`;
};

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  /** A read of an existing resource (`Resource.get`), not one the program creates. */
  readonly read?: boolean;
  /**
   * The `protect` option exactly as the SDK sent it to the engine (the
   * RegisterResourceRequest, parent's value inherited); mocks' `newResource`
   * does not see options, so `installMocks` reads it from the request.
   */
  readonly protect?: boolean;
  /** The `import` option (the provider's import ID) exactly as the SDK sent it, when the resource is adopted. */
  readonly importId?: string;
  /** `retainOnDelete` and `ignoreChanges` as sent in the RegisterResourceRequest (set only when on / non-empty). */
  readonly retainOnDelete?: boolean;
  readonly ignoreChanges?: readonly string[];
}

export interface MockEngine {
  readonly resources: Registered[];
  /** Resources of `type` (e.g. "vault:index/policy:Policy"). */
  ofType(type: string): Registered[];
  /** The one resource named `name`; throws if absent or ambiguous. */
  named(name: string): Registered;
  /** Waits until no new resource has registered for a few ticks. */
  settle(): Promise<void>;
}

export { MOCK_CA_PEM, MOCK_SA_TOKEN } from "./provider-outputs";

/**
 * Outputs of other stacks, by the name a StackReference gives (`<org>/<project>/<stack>`):
 * what the mock engine answers for a `pulumi:pulumi:StackReference` read, as the real
 * engine reads the referenced stack's last deployment (tenant stacks: docs/sharding.md).
 */
const stackOutputs = new Map<string, Record<string, unknown>>();

/** Makes a StackReference to `name` read `outputs` (render: the rendered platform's outputs.json). */
export function provideStackOutputs(name: string, outputs: Record<string, unknown>): void {
  stackOutputs.set(name, outputs);
}

export function installMocks(stack = "test", project = "vault-eso", organization = "organization"): MockEngine {
  const resources: Registered[] = [];
  const protect = new Map<string, boolean>();
  const imports = new Map<string, string>();
  const extra = new Map<string, { retainOnDelete?: boolean; ignoreChanges?: string[] }>();
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        // The mock monitor hands `newResource` the import ID of a registration as `id`, like a read's ID.
        const key = `${args.type}::${args.name}`;
        const importId = imports.get(key);
        const read = args.id !== undefined && args.id !== "" && importId === undefined;
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, protect: protect.get(key), ...extra.get(key), ...(importId ? { importId } : {}), ...(read ? { read } : {}) });
        if (read && args.type === "pulumi:pulumi:StackReference") {
          const name = String(args.id);
          const outputs = stackOutputs.get(name);
          if (!outputs) throw new Error(`StackReference "${name}": no outputs of that stack are known offline. Fix: render the platform stack first (npm run render -- <its stack file>) and pass its outputs (--platform-outputs out/<stack>/outputs.json)`);
          return { id: name, state: { name, outputs, secretOutputNames: [] } };
        }
        if (read) return { id: args.id!, state: readState(args.type, args.id!) ?? { ...args.inputs } };
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs) } };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    project,
    stack,
    false,
    organization,
  );
  recordProtect(protect, imports, extra);

  return {
    resources,
    ofType: (type) => resources.filter((r) => r.type === type),
    named(name) {
      const hits = resources.filter((r) => r.name === name);
      if (hits.length !== 1) {
        throw new Error(`expected one resource named "${name}", found ${hits.length}: ${resources.map((r) => r.name).join(", ")}`);
      }
      return hits[0];
    },
    async settle() {
      let last = -1;
      let stable = 0;
      while (stable < 4) {
        await new Promise((r) => setTimeout(r, 5));
        if (resources.length === last) stable++;
        else {
          stable = 0;
          last = resources.length;
        }
      }
    },
  };
}

/**
 * Records `protect` from each RegisterResourceRequest the mock monitor gets
 * (before it calls `newResource`), keyed `type::name`.
 */
function recordProtect(into: Map<string, boolean>, imports: Map<string, string>, extra: Map<string, { retainOnDelete?: boolean; ignoreChanges?: string[] }>): void {
  type Request = { getType(): string; getName(): string; getProtect(): boolean; getImportid?(): string; getRetainondelete?(): boolean; getIgnorechangesList?(): string[] };
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: Request, cb: unknown): unknown } | undefined;
  if (!monitor) throw new Error("installMocks: no mock monitor after setMocks");
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    into.set(`${req.getType()}::${req.getName()}`, req.getProtect());
    const importId = req.getImportid?.();
    if (importId) imports.set(`${req.getType()}::${req.getName()}`, importId);
    const retainOnDelete = req.getRetainondelete?.() || undefined;
    const ignoreChanges = req.getIgnorechangesList?.() ?? [];
    if (retainOnDelete || ignoreChanges.length) extra.set(`${req.getType()}::${req.getName()}`, { ...(retainOnDelete ? { retainOnDelete } : {}), ...(ignoreChanges.length ? { ignoreChanges } : {}) });
    return register(req, cb);
  };
}

/** Resolves an Output's value under mocks (undefined if unknown). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** Pulumi's wire marker for secret values, as mocks see them in resource inputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Returns the value of a secret input; throws if `input` was not marked secret. */
export function secretInput(input: unknown): unknown {
  if (input && typeof input === "object" && (input as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE) {
    return (input as { value: unknown }).value;
  }
  throw new Error(`expected a secret input, got a plain ${JSON.stringify(input)?.slice(0, 40)}`);
}
