/**
 * Runs the CrossGuard pack's policies the way the engine does, without
 * constructing the pack: `validateResource` per resource and `validateStack`
 * once, with props behind CrossGuard's own unknown-checking proxy, secrets
 * unwrapped (CrossGuard hands policies plain values), and the rule configs
 * given (the rules' defaults otherwise). An `UnknownValueError` escaping a
 * policy becomes an "undecided" finding, as the engine turns it into an
 * advisory note.
 */
import * as policySdk from "@pulumi/policy";
import * as proxyModule from "@pulumi/policy/proxy";
import type { ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../policies/guard/policies";
import type { GuardResource } from "../../policies/guard/rule";
import type { Registered } from "./mocks";

export interface Finding {
  readonly policy: string;
  readonly message: string;
  readonly resource?: string;
  /** The policy could not decide (an unknown value): advisory, not a violation. */
  readonly undecided?: boolean;
}

/** CrossGuard's wire sentinels for values unknown during preview (internal to @pulumi/policy, used as the engine sends them). */
export const UNKNOWN_WIRE = proxyModule as unknown as { unknownStringValue: string; unknownArrayValue: string; unknownObjectValue: string };
const sdk = policySdk as unknown as { unknownCheckingProxy(o: unknown): any; UnknownValueError: new (...a: never[]) => Error };

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Mock inputs keep Pulumi's secret wrappers; the engine unwraps them before policies run. */
export function unwrapSecrets(v: unknown): any {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] === SECRET_SIG_VALUE) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

export function guardResource(
  r: { type: string; name: string; inputs?: Record<string, any>; props?: Record<string, any>; protect?: boolean },
  stack = "test",
): GuardResource {
  return {
    type: r.type,
    name: r.name,
    urn: `urn:pulumi:${stack}::vault-eso::${r.type}::${r.name}`,
    props: unwrapSecrets(r.props ?? r.inputs ?? {}),
    protect: r.protect ?? false,
  };
}

export function fromRegistered(resources: readonly Registered[], stack: string): GuardResource[] {
  return resources.map((r) => guardResource(r, stack));
}

const isUnknownValueError = (e: unknown): e is Error => e instanceof sdk.UnknownValueError;

export async function runGuard(resources: readonly GuardResource[], config: Record<string, Record<string, unknown>> = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const policy of POLICIES) {
    const getConfig = <T>() => (config[policy.name] ?? {}) as T;
    if ("validateResource" in policy) {
      const p = policy as ResourceValidationPolicy;
      const validate = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      for (const r of resources) {
        const args = {
          type: r.type,
          props: sdk.unknownCheckingProxy(r.props),
          urn: r.urn,
          name: r.name,
          opts: { protect: r.protect, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
          stackTags: new Map<string, string>(),
          getConfig,
          isType: () => false,
          asType: () => undefined,
          notApplicable: () => undefined,
        } as unknown as ResourceValidationArgs;
        for (const v of validate) {
          try {
            await v!(args, (message: string) => out.push({ policy: p.name, message, resource: r.name }));
          } catch (e) {
            if (!isUnknownValueError(e)) throw e;
            out.push({ policy: p.name, message: e.message, resource: r.name, undecided: true });
          }
        }
      }
    } else {
      const p = policy as StackValidationPolicy;
      const args = {
        resources: resources.map((r) => ({ type: r.type, props: sdk.unknownCheckingProxy(r.props), urn: r.urn, name: r.name, opts: { protect: r.protect } })),
        getConfig,
        stackTags: new Map<string, string>(),
        notApplicable: () => undefined,
      } as unknown as StackValidationArgs;
      try {
        await p.validateStack(args, (message: string, urn?: string) => out.push({ policy: p.name, message, resource: urn }));
      } catch (e) {
        if (!isUnknownValueError(e)) throw e;
        out.push({ policy: p.name, message: e.message, undecided: true });
      }
    }
  }
  return out;
}

/** Violations only (no advisory "undecided" findings), as `policy: message` lines for readable failures. */
export function violationsOf(findings: readonly Finding[]): string[] {
  return findings.filter((f) => !f.undecided).map((f) => `${f.policy}: ${f.message}`);
}

/** `resources` with the first resource matching `pick` replaced by `change(copy of it)`. */
export function mutate(resources: readonly GuardResource[], pick: (r: GuardResource) => boolean, change: (r: GuardResource) => GuardResource): GuardResource[] {
  const hit = resources.find(pick);
  if (!hit) throw new Error("mutate: nothing matched");
  return resources.map((r) => (r === hit ? change(structuredClone(r)) : r));
}
