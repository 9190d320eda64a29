/**
 * How a component takes its args when they may be Outputs (issue 20, issue 18 class 9).
 *
 * A component's args arrive as literals (a TypeScript program with config values), as Outputs of other resources
 * (TypeScript wiring, a StackReference), or, through the component package, as whatever the engine sends to
 * Construct: @pulumi/pulumi provider/server.js `deserializeInputs` (with `acceptOutputs`, a property fed by a YAML
 * `${...}` or another language's output arrives as an Output at the position it was written; during a preview an
 * unknown one may also arrive as the runtime's `unknown` sentinel, runtime/rpc.js `deserializeProperty`).
 *
 * - Fields that decide which resources exist (modes, switches, lists that become one resource each) must be known
 *   when the component is constructed: `deferredProblems` names every deferred value outside the fields a
 *   component declares as taking Inputs, so nothing misbehaves silently (no binding dropped, no Output stringified).
 * - Fields that take Inputs are checked with the config schema's own zod schemas: a known value before anything
 *   registers (`checkedInput` collects its problems for the constructor to throw before `super()`), a deferred one
 *   inside the apply that feeds the dependent child, so the child's registration fails with the InputError before
 *   it reaches the engine.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { zodProblems } from "./args-check";
import { InputError } from "./errors";

/** A value known only later: an Output, a Promise or the runtime's unknown sentinel. */
export function isDeferred(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || v instanceof Promise || pulumi.isUnknown(v);
}

/** Every path (`a.b[0].c`) at which `v` holds a deferred value; a deferred value's own inside is not walked. */
export function deferredPaths(v: unknown, at = ""): string[] {
  if (isDeferred(v)) return [at];
  if (Array.isArray(v)) return v.flatMap((e, i) => deferredPaths(e, `${at}[${i}]`));
  if (v !== null && typeof v === "object" && !pulumi.Resource.isInstance(v)) {
    return Object.entries(v).flatMap(([k, e]) => deferredPaths(e, at ? `${at}.${k}` : k));
  }
  return [];
}

/** `a.b[3].c` as a pattern: `a.b[].c`. */
const pattern = (p: string) => p.replace(/\[\d+\]/g, "[]");

/**
 * The deferred values in `args` outside `inputs` (patterns such as `kvPath`, `eso.namespace`, `apiAudiences`,
 * `externalSecrets[].name`; a pattern covers what is under it), each as a problem naming the field and the fix.
 */
export function deferredProblems(args: unknown, inputs: readonly string[]): string[] {
  return deferredPaths(args).flatMap((p) => {
    const q = pattern(p);
    if (inputs.some((i) => q === i || q.startsWith(`${i}.`) || q.startsWith(`${i}[`))) return [];
    const takes = inputs.filter((i) => i.startsWith(`${q}.`) || i.startsWith(`${q}[`));
    const inside = takes.length ? ` (Outputs are taken inside it: ${takes.join(", ")})` : "";
    return [`${p}: an Output, but it decides which resources are created, so it must be known when the component is constructed${inside}. Fix: pass a plain value (a literal or config)`];
  });
}

/** Throws an InputError listing `problems` (before `super()`: nothing registers). */
export function refuse(component: string, name: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new InputError(`${component} ${name}: ${problems.join("; ")}`);
}

/** A value as a component holds it after checking: plain when it was given plain, else an Output. */
export type Checked<T> = T | pulumi.Output<T>;

/**
 * `value` checked with `schema` (the parse result, defaults applied). A known value is checked now, its problems
 * pushed to `where.problems` (the caller refuses before registering), and stays plain: children then register
 * exactly what a literal would give them (and transformations such as adoption see the plain value). A deferred
 * one is checked when it resolves, and an InputError then fails every child that uses it before that child's
 * registration is sent.
 */
export function checkedInput<T>(
  where: { component: string; name: string; problems: string[] },
  field: string,
  schema: z.ZodType<T>,
  value: pulumi.Input<T> | undefined,
): Checked<T> {
  if (deferredPaths(value).length === 0) {
    const r = zodProblems(field, schema, value);
    where.problems.push(...r.problems);
    return (r.problems.length ? value : r.data) as T;
  }
  return pulumi.output(value as pulumi.Input<T>).apply((v) => {
    const r = zodProblems(field, schema, v);
    if (r.problems.length) throw new InputError(`${where.component} ${where.name}: ${r.problems.join("; ")}`);
    return r.data as pulumi.Unwrap<T>;
  }) as unknown as pulumi.Output<T>;
}

/** `fn` of the values: computed now when every value is plain, else inside one apply (which waits for all of them). */
export function derive<T extends object, R>(values: { [K in keyof T]: Checked<T[K]> }, fn: (v: T) => R): Checked<R> {
  if (deferredPaths(values).length === 0) return fn(values as T);
  return pulumi.output(values).apply((v) => fn(v as unknown as T)) as unknown as pulumi.Output<R>;
}

/** The default a config schema gives a field (a `.default()`/`.prefault()` schema parses `undefined` to it). */
export function schemaDefault<T>(schema: z.ZodType<T>): T {
  return schema.parse(undefined);
}
