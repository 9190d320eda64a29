/** Mocks see secret inputs wrapped in Pulumi's secret marker; schemas want the plain value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A deep copy of `v` with every secret marker replaced by the value it wraps. */
export function revealSecrets<T>(v: T): T {
  if (Array.isArray(v)) return v.map(revealSecrets) as unknown as T;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (SECRET_SIG in o && "value" in o) return revealSecrets(o.value) as T;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revealSecrets(x)])) as T;
  }
  return v;
}
