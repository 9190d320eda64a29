/**
 * Checks of components' schema-friendly args (docs/package.md) with the stack config's zod schemas: each problem
 * names the field (as the component user wrote it), the value and the fix. Pure.
 */
import type { z } from "zod";

/**
 * `field.path: message (got value)` for each zod issue. `unionHint` replaces zod's bare "Invalid input" for a value
 * that matches no member of a union (say which fields make a valid entry, and the fix).
 */
export function zodProblems(field: string, schema: z.ZodType, value: unknown, unionHint?: string): { problems: string[]; data?: unknown } {
  const r = schema.safeParse(value);
  if (r.success) return { problems: [], data: r.data };
  return {
    problems: r.error.issues.map((i) => {
      const at = [field, ...i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))].join("").replace(/\.\[/g, "[");
      let got: unknown = value;
      for (const p of i.path) got = got && typeof got === "object" ? (got as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
      const shown = got === undefined || typeof got === "object" ? "" : ` (got ${JSON.stringify(got)})`;
      const message =
        i.code === "invalid_union" && unionHint !== undefined && i.message === "Invalid input"
          ? unionHint
          : i.code === "unrecognized_keys"
            ? `${i.keys.map((k) => `"${k}"`).join(", ")} not used here (another mode's field, or a typo). Fix: drop it`
            : i.message;
      return `${at}: ${message}${shown}`;
    }),
  };
}

