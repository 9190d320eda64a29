/**
 * A thin layer over CrossGuard: each rule is a pure check plus its name,
 * description (which says how to fix a violation), enforcement level and
 * tunable config. `resourcePolicy`/`stackPolicy` adapt it to `@pulumi/policy`;
 * tests call the adapted `validateResource`/`validateStack` directly, so
 * nothing here constructs a PolicyPack (that starts a server).
 *
 * Unknown values. During `pulumi preview` some inputs are not known yet (an
 * auth mount's accessor, a policy's name before it exists). CrossGuard hands
 * them over as sentinels behind a proxy that throws `UnknownValueError` when
 * one is read; left alone, that aborts the whole rule (for a stack rule: the
 * check of every resource). The adapter instead copies the props into plain
 * data with `UNKNOWN` in place of each unknown value, so a rule judges what is
 * known, reports those violations, and returns `Undecided` for what it could
 * not judge. The adapter then rethrows the engine's own `UnknownValueError`,
 * which CrossGuard reports as an advisory "can't run policy ... during
 * preview" note: never a silent pass, never a crash.
 */
import * as policySdk from "@pulumi/policy";
import type { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** Stands for a value that is not known until the resource is created (preview). */
export class Unknown {
  toString(): string {
    return "<unknown until apply>";
  }
  toJSON(): string {
    return this.toString();
  }
}
export const UNKNOWN = new Unknown();
export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;

/** A rule could not decide (a value it needs is unknown). Reported as advisory, not as a pass. */
export class Undecided {
  constructor(
    readonly reason: string,
    /** The resource whose unknown value blocked the decision (stack rules). */
    readonly urn?: string,
  ) {}
}

/** A violation message, or an `Undecided`. */
export type Finding = string | Undecided;

/** What a rule sees of a resource: enough for the engine's args and for the test harness. */
export interface GuardResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs as plain data; `UNKNOWN` where the engine did not know a value yet. */
  readonly props: Record<string, any>;
  /** `protect` resource option (the engine passes it in `opts`). */
  readonly protect: boolean;
}

export interface RuleConfig<C> {
  /** JSON schema of each tunable (the default is added from `defaults`). */
  readonly schema: Record<keyof C & string, PolicyConfigJSONSchema>;
  readonly defaults: C;
}

interface RuleBase<C> {
  readonly name: string;
  /** What it protects against and how to fix a violation. */
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly config?: RuleConfig<C>;
}

export interface ResourceRule<C = Record<string, never>> extends RuleBase<C> {
  /** Findings for `r` (empty: compliant). */
  check(r: GuardResource, config: C): Finding[] | Promise<Finding[]>;
}

export interface StackViolation {
  readonly message: string;
  readonly urn?: string;
}

export interface StackRule<C = Record<string, never>> extends RuleBase<C> {
  check(resources: readonly GuardResource[], config: C): Array<StackViolation | Undecided> | Promise<Array<StackViolation | Undecided>>;
}

/** CrossGuard's config schema for `rule`: its tunables, each with its default. */
export function configSchema<C>(rule: RuleBase<C>): { properties: Record<string, PolicyConfigJSONSchema> } | undefined {
  if (!rule.config) return undefined;
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const [k, v] of Object.entries(rule.config.schema) as Array<[string, PolicyConfigJSONSchema]>) {
    properties[k] = { ...v, default: (rule.config.defaults as Record<string, unknown>)[k] } as PolicyConfigJSONSchema;
  }
  return { properties };
}

/** The "Fix: ..." part of a description, which Pulumi Cloud shows as remediation steps. */
const remediation = (description: string) => description.split("Fix: ")[1];

/** Each rule gets every tunable: keys missing from the pack config (or a harness without config) take the rule's defaults. */
export function withDefaults<C>(rule: RuleBase<C>, given: Partial<C> | undefined): C {
  return { ...(rule.config?.defaults ?? ({} as C)), ...(given ?? {}) } as C;
}

/** `@pulumi/policy` exports `UnknownValueError` at runtime; its typings omit it. */
const UnknownValueError = (policySdk as unknown as { UnknownValueError?: new (...a: never[]) => Error }).UnknownValueError;

function isUnknownValueError(e: unknown): e is Error {
  return UnknownValueError !== undefined && e instanceof UnknownValueError;
}

/**
 * Copies CrossGuard's props (a proxy that throws on unknown values) into plain
 * data, `UNKNOWN` for each unknown value. Returns the first `UnknownValueError`
 * met, to rethrow when a rule cannot decide.
 */
export function materialize(props: unknown): { value: any; unknownError?: Error } {
  let unknownError: Error | undefined;
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) out.push(read(v, i));
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = read(v as Record<string, unknown>, k);
    return out;
  };
  const read = (obj: any, key: string | number): unknown => {
    try {
      return copy(obj[key]);
    } catch (e) {
      if (!isUnknownValueError(e)) throw e;
      unknownError ??= e;
      return UNKNOWN;
    }
  };
  return { value: copy(props), unknownError };
}

/** What CrossGuard shows of a rule: name, description, enforcement, how to fix, its config schema. */
function policyHeader<C>(rule: RuleBase<C>) {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    remediationSteps: remediation(rule.description),
    configSchema: configSchema(rule),
  };
}

export function resourcePolicy<C>(rule: ResourceRule<C>): ResourceValidationPolicy {
  return {
    ...policyHeader(rule),
    validateResource: async (args, reportViolation) => {
      const { value, unknownError } = materialize(args.props);
      const r: GuardResource = { type: args.type, name: args.name, urn: args.urn, props: value, protect: args.opts?.protect ?? false };
      let undecided = false;
      for (const f of await rule.check(r, withDefaults(rule, args.getConfig<Partial<C> & object>()))) {
        if (f instanceof Undecided) undecided = true;
        else reportViolation(f);
      }
      // CrossGuard turns this into an advisory "can't run ... during preview" diagnostic.
      if (undecided && unknownError) throw unknownError;
    },
  };
}

export function stackPolicy<C>(rule: StackRule<C>): StackValidationPolicy {
  return {
    ...policyHeader(rule),
    validateStack: async (args, reportViolation) => {
      const unknownErrors = new Map<string, Error>();
      const resources: GuardResource[] = args.resources.map((r) => {
        const { value, unknownError } = materialize(r.props);
        if (unknownError) unknownErrors.set(r.urn, unknownError);
        return { type: r.type, name: r.name, urn: r.urn, props: value, protect: r.opts?.protect ?? false };
      });
      let undecided: Undecided | undefined;
      for (const v of await rule.check(resources, withDefaults(rule, args.getConfig<Partial<C> & object>()))) {
        if (v instanceof Undecided) undecided ??= v;
        else reportViolation(v.message, v.urn);
      }
      if (undecided) {
        const e = (undecided.urn && unknownErrors.get(undecided.urn)) || unknownErrors.values().next().value;
        if (e) throw e;
      }
    },
  };
}
