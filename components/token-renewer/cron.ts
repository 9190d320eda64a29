/**
 * A small parser for the 5-field cron expressions a Kubernetes CronJob takes
 * (minute hour day-of-month month day-of-week), and the longest gap between
 * two consecutive runs. Pure: no Pulumi, no clock.
 *
 * Follows the CronJob controller's parser (robfig/cron "standard" format):
 * numbers, `*`, `?` (same as `*` in the day fields), ranges `a-b`, steps
 * `*\/n`, `a-b/n` and `a/n` (= `a-max/n`), lists `a,b`, month and weekday
 * names (`JAN`, `MON`), day-of-week 0-6 (Sunday = 0; like the controller,
 * 7 is rejected), and the macros `@yearly`,
 * `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
 * When both day fields are restricted, a day matches if EITHER matches
 * (classic cron); when one of them is `*`/`?`, both must match.
 * `@every` and `TZ=`/`CRON_TZ=` prefixes are rejected: the gap of `@every`
 * depends on when the controller started, and the zone belongs in the
 * CronJob's `timeZone` field.
 */

export interface CronField {
  /** Sorted allowed values. */
  readonly values: readonly number[];
  /** Written as `*` or `?` (matters for the day-of-month / day-of-week rule). */
  readonly star: boolean;
}

export interface CronSchedule {
  readonly minute: CronField;
  readonly hour: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  /** 0-6, Sunday = 0. */
  readonly dayOfWeek: CronField;
}

export class CronParseError extends Error {}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface Bounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of names[0]. */
  readonly namesBase?: number;
}

const FIELDS: readonly Bounds[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, namesBase: 1 },
  { name: "day of week", min: 0, max: 6, names: DAYS, namesBase: 0 },
];

/** Parses a CronJob schedule; throws `CronParseError` naming the field and what is wrong. */
export function parseCron(expression: string): CronSchedule {
  const expr = expression.trim();
  if (/^(CRON_)?TZ=/.test(expr)) {
    throw new CronParseError("time zone prefixes are not allowed in the schedule; the CronJob's timeZone field sets the zone");
  }
  if (expr.startsWith("@")) {
    if (expr.startsWith("@every")) throw new CronParseError('"@every" is not supported: its runs depend on when the controller started; use a 5-field expression');
    const m = MACROS[expr.toLowerCase()];
    if (!m) throw new CronParseError(`unknown macro "${expr}" (known: ${Object.keys(MACROS).join(", ")})`);
    return parseCron(m);
  }
  const parts = expr.split(/\s+/);
  if (parts.length !== 5 || expr === "") {
    throw new CronParseError(`expected 5 fields (minute hour day-of-month month day-of-week), got ${expr === "" ? 0 : parts.length}`);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((p, i) => parseField(p, FIELDS[i]));
  return { minute, hour, dayOfMonth, month, dayOfWeek };
}

function parseField(text: string, b: Bounds): CronField {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(",")) {
    if (part === "") throw new CronParseError(`${b.name}: empty list element in "${text}"`);
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined) throw new CronParseError(`${b.name}: "${part}" has more than one "/"`);
    let lo: number;
    let hi: number;
    let isStar = false;
    if (range === "*" || range === "?") {
      if (range === "?" && b.name !== "day of month" && b.name !== "day of week") {
        throw new CronParseError(`${b.name}: "?" is only allowed in the day fields`);
      }
      lo = b.min;
      hi = b.max;
      isStar = true;
    } else {
      const ends = range.split("-");
      if (ends.length > 2) throw new CronParseError(`${b.name}: "${range}" is not a value or a range a-b`);
      lo = value(ends[0], b);
      hi = ends.length === 2 ? value(ends[1], b) : lo;
      if (ends.length === 1 && stepText !== undefined) hi = b.max; // "a/n" means "a-max/n"
      if (lo > hi) throw new CronParseError(`${b.name}: range "${range}" starts after it ends`);
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new CronParseError(`${b.name}: step "${stepText}" must be a positive whole number`);
      step = Number(stepText);
      if (step > b.max - b.min + 1) throw new CronParseError(`${b.name}: step ${step} is larger than the field's range ${b.min}-${b.max}`);
    }
    if (isStar && step === 1) star = true;
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values: [...values].sort((a, c) => a - c), star };
}

function value(text: string, b: Bounds): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < b.min || n > b.max) throw new CronParseError(`${b.name}: ${n} is outside ${b.min}-${b.max}`);
    return n;
  }
  const i = b.names?.indexOf(text.toUpperCase()) ?? -1;
  if (i >= 0) return i + (b.namesBase ?? 0);
  throw new CronParseError(`${b.name}: "${text}" is not a number${b.names ? " or a name like " + b.names[0] : ""}`);
}

/** The Gregorian calendar repeats exactly (weekdays included) every 400 years = 146097 days. */
const CYCLE_DAYS = 146097;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** For each day of one 400-year cycle (from 2000-01-01, a Saturday): does the schedule run that day? */
function matchingDays(s: CronSchedule): number[] {
  const months = new Array<boolean>(13).fill(false);
  for (const m of s.month.values) months[m] = true;
  const doms = new Array<boolean>(32).fill(false);
  for (const d of s.dayOfMonth.values) doms[d] = true;
  const dows = new Array<boolean>(7).fill(false);
  for (const d of s.dayOfWeek.values) dows[d] = true;
  const and = s.dayOfMonth.star || s.dayOfWeek.star;
  const out: number[] = [];
  let year = 2000;
  let month = 1;
  let dom = 1;
  let dow = 6;
  for (let day = 0; day < CYCLE_DAYS; day++) {
    if (months[month]) {
      const a = doms[dom];
      const b = dows[dow];
      if (and ? a && b : a || b) out.push(day);
    }
    dow = (dow + 1) % 7;
    if (++dom > daysInMonth(year, month)) {
      dom = 1;
      if (++month > 12) {
        month = 1;
        year++;
      }
    }
  }
  return out;
}

/**
 * The longest time, in seconds, between two consecutive runs of `s`, over a
 * full 400-year calendar cycle in UTC (the CronJob sets `timeZone: Etc/UTC`,
 * so no daylight-saving jumps). Throws `CronParseError` when it never runs.
 */
export function maxGapSeconds(s: CronSchedule): number {
  // Times of day (minutes) are the same on every matching day.
  const times: number[] = [];
  for (const h of s.hour.values) for (const m of s.minute.values) times.push(h * 60 + m);
  times.sort((a, b) => a - b);
  let maxGap = 0;
  for (let i = 1; i < times.length; i++) maxGap = Math.max(maxGap, times[i] - times[i - 1]);

  const span = times[times.length - 1] - times[0];
  if (s.month.star && s.dayOfMonth.star && s.dayOfWeek.star) return Math.max(maxGap, 1440 - span) * 60; // every day
  const days = matchingDays(s);
  if (days.length === 0) throw new CronParseError("the schedule never runs (no calendar day matches its day-of-month, month and day-of-week)");
  for (let i = 1; i < days.length; i++) maxGap = Math.max(maxGap, (days[i] - days[i - 1]) * 1440 - span);
  // Wrap around into the next cycle: the last run of the cycle to the first of the next.
  maxGap = Math.max(maxGap, (days[0] + CYCLE_DAYS - days[days.length - 1]) * 1440 - span);
  return maxGap * 60;
}
