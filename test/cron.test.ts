/** The CronJob schedule parser and the longest gap between runs (pure). */
import fc from "fast-check";
import { CronParseError, maxGapSeconds, parseCron } from "../components/token-renewer/cron";

const H = 3600;
const D = 86400;
const gap = (s: string) => maxGapSeconds(parseCron(s));

test.each<[string, number]>([
  ["0 */12 * * *", 12 * H],
  ["*/5 * * * *", 300],
  ["* * * * *", 60],
  ["0 * * * *", H],
  ["30 2 * * *", D],
  ["0 0,6 * * *", 18 * H], // 06:00 -> 00:00 next day
  ["0 9-17 * * 1-5", 64 * H], // Friday 17:00 -> Monday 09:00
  ["0 0 * * 0", 7 * D],
  ["0 0 * * SUN", 7 * D],
  ["0 0 1 * *", 31 * D],
  ["0 0 1 */3 *", 92 * D], // 1 Jul -> 1 Oct (or Oct -> Jan)
  ["0 0 29 2 *", (8 * 365 + 1) * D], // 2096-02-29 -> 2104-02-29: 2100 is not a leap year
  ["15 3/6 * * *", 6 * H], // 3/6 = 3,9,15,21
  ["0 0 1 JAN *", 366 * D],
  ["@hourly", H],
  ["@daily", D],
  ["@weekly", 7 * D],
  ["0 0 1,15 * 1", 7 * D], // day 1 or 15, OR any Monday (both day fields restricted)
  ["0 0 * * 1,4", 4 * D],
  ["0 0 ? * 3", 7 * D],
])("%s: runs at most %i s apart", (schedule, expected) => {
  expect(gap(schedule)).toBe(expected);
});

test("restricted day fields combine with OR, a starred one with AND", () => {
  // 13th of the month that is also a Friday: AND would be months apart; cron means 13th OR Friday.
  expect(gap("0 0 13 * 5")).toBeLessThanOrEqual(7 * D);
  const s = parseCron("0 0 * * 5");
  expect(s.dayOfMonth.star).toBe(true);
  expect(parseCron("0 0 */2 * *").dayOfMonth.star).toBe(false);
});

test.each<[string, RegExp]>([
  ["", /expected 5 fields/],
  ["0 */12 * *", /expected 5 fields .*got 4/],
  ["0 */12 * * * *", /expected 5 fields .*got 6/],
  ["60 * * * *", /minute: 60 is outside 0-59/],
  ["0 24 * * *", /hour: 24 is outside 0-23/],
  ["0 0 0 * *", /day of month: 0 is outside 1-31/],
  ["0 0 * 13 *", /month: 13 is outside 1-12/],
  ["0 0 * * 7", /day of week: 7 is outside 0-6/],
  ["*/0 * * * *", /step "0" must be a positive/],
  ["*/x * * * *", /step "x"/],
  ["5-1 * * * *", /starts after it ends/],
  ["0 0 * * FOO", /"FOO" is not a number or a name like SUN/],
  ["1,,2 * * * *", /empty list element/],
  ["? * * * *", /"\?" is only allowed in the day fields/],
  ["0 0 30 2 *", /never runs/],
  ["@every 1h", /"@every" is not supported/],
  ["@fortnightly", /unknown macro/],
  ["TZ=Europe/Paris 0 0 * * *", /timeZone field/],
  ["0 0 * * 1/2/3", /more than one "\/"/],
])("%j is rejected (%s)", (schedule, message) => {
  expect(() => gap(schedule)).toThrow(CronParseError);
  expect(() => gap(schedule)).toThrow(message);
});

test("property: for minute/hour schedules the gap equals a brute-force walk over two days, minute by minute", () => {
  const field = (max: number) =>
    fc.oneof(
      fc.constant("*"),
      fc.integer({ min: 0, max }).map(String),
      fc.integer({ min: 1, max: max + 1 }).map((n) => `*/${n}`),
      fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.uniqueArray(fc.integer({ min: 0, max }), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(",")),
    );
  fc.assert(
    fc.property(field(59), field(23), (m, h) => {
      const s = parseCron(`${m} ${h} * * *`);
      const minutes = new Set(s.minute.values);
      const hours = new Set(s.hour.values);
      let last = -1;
      let worst = 0;
      for (let t = 0; t < 2 * 1440; t++) {
        if (minutes.has(t % 60) && hours.has(Math.floor(t / 60) % 24)) {
          if (last >= 0) worst = Math.max(worst, t - last);
          last = t;
        }
      }
      return maxGapSeconds(s) === worst * 60;
    }),
    { numRuns: 200 },
  );
});
