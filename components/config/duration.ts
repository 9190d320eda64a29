/**
 * Vault-style duration strings ("90s", "15m", "1h30m", "30d") to seconds.
 * Vault's own parser accepts s, m, h and d units; so does this one, and
 * nothing else (no bare numbers, no fractions, no "w"/"y"), so a typo is an
 * error instead of a surprise TTL.
 */

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(\d+[smhd])+$/;

/** Parses `s` or returns `undefined` when it is not a duration. */
export function parseDuration(s: string): number | undefined {
  if (!DURATION.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+)([smhd])/g)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
  }
  return total;
}

/** Formats seconds as the shortest exact Vault duration ("86400" -> "1d", "5400" -> "1h30m"). */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new Error(`formatDuration: ${seconds} is not a whole, non-negative number of seconds`);
  }
  if (seconds === 0) return "0s";
  let rest = seconds;
  let out = "";
  for (const unit of ["d", "h", "m", "s"]) {
    const n = Math.floor(rest / UNIT_SECONDS[unit]);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * UNIT_SECONDS[unit];
    }
  }
  return out;
}
