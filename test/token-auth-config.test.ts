/** Config section vault-eso:tokenAuth: defaults, and every rejected input with its key, value and fix. */
import * as fs from "fs";
import { ConfigError, parseStackConfig } from "../components/config/config";
import { DEFAULT_RENEWER_IMAGE, imageProblem, RUN_SLACK_SECONDS } from "../components/token-renewer/token-auth-config";
import { flat, RawSections, validSections } from "./helpers/fixtures";
import { readStackFile } from "./helpers/stack-file";

const read = (): string => {
  throw new Error("no files");
};
const parse = (s: RawSections) => parseStackConfig(flat(s), { secretKeys: new Set(), readFile: read });
const withTokenAuth = (t: Record<string, unknown>, extra: RawSections = {}): RawSections => ({ ...validSections(), tokenAuth: { enabled: true, ...t }, ...extra });

function problems(s: RawSections): ConfigError["problems"] {
  try {
    parse(s);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("config was accepted");
}
function problem(s: RawSections, key: string): string {
  const all = problems(s);
  const p = all.find((x) => x.key === key);
  if (!p) throw new Error(`no problem reported for ${key}; got: ${JSON.stringify(all)}`);
  return `${p.value} ${p.message}`;
}

test("disabled by default; defaults follow seed 000's shape with a shorter period and max TTL", () => {
  const { config } = parse(validSections());
  expect(config.tokenAuth).toEqual({
    enabled: false,
    namespace: "external-secrets-credentials",
    secretName: "vault-token",
    secretKey: "token",
    role: "external-secrets-token",
    policy: "external-secrets-token-renewer",
    periodSeconds: 7 * 86400,
    explicitMaxTtlSeconds: 30 * 86400,
    rotateBeforeSeconds: 7 * 86400,
    schedule: "0 */12 * * *",
    maxRunGapSeconds: 12 * 3600,
    image: DEFAULT_RENEWER_IMAGE,
    resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
  });
  expect(parse(withTokenAuth({})).config.tokenAuth.enabled).toBe(true);
});

test("seed 000's own numbers (period 30d, max 90d, every 12 h) are accepted", () => {
  const { config } = parse(withTokenAuth({ period: "30d", explicitMaxTtl: "90d", rotateBefore: "14d", schedule: "0 */12 * * *" }));
  expect(config.tokenAuth).toMatchObject({ periodSeconds: 30 * 86400, explicitMaxTtlSeconds: 90 * 86400, rotateBeforeSeconds: 14 * 86400 });
});

test.each<[string, Record<string, unknown>, string, RegExp]>([
  ["period equal to the explicit max TTL", { period: "30d", explicitMaxTtl: "30d" }, "period", /"30d" .*must be shorter than tokenAuth.explicitMaxTtl \(30d\).*Fix:/],
  ["period longer than the explicit max TTL", { period: "60d", explicitMaxTtl: "30d", rotateBefore: "7d" }, "period", /must be shorter than tokenAuth.explicitMaxTtl/],
  ["a weekly schedule with a 7d period", { schedule: "0 0 * * 0" }, "schedule", /"0 0 \* \* 0" runs can be up to 7d apart.*period \(7d\) could run out.*Fix: run more often.*at least 14d35m/],
  ["a schedule whose two gaps + deadlines exceed the period", { period: "24h", rotateBefore: "24h", explicitMaxTtl: "30d" }, "schedule", /up to 12h apart.*at least 1d35m/],
  ["a monthly schedule", { schedule: "@monthly" }, "schedule", /up to 31d apart/],
  ["threshold larger than the period", { rotateBefore: "8d" }, "rotateBefore", /"8d" .*larger than the period \(7d\).*Fix: set rotateBefore to at most 7d/],
  ["threshold leaving room for fewer than two runs", { rotateBefore: "1d" }, "rotateBefore", /"1d" .*fewer than two runs.*Fix: set rotateBefore to at least 1d35m/],
  ["an invalid cron expression", { schedule: "0 */12 * *" }, "schedule", /"0 \*\/12 \* \*" the renewal schedule is not a valid CronJob schedule: expected 5 fields.*Fix: .*"0 \*\/12 \* \* \*"/],
  ["an out-of-range cron field", { schedule: "0 25 * * *" }, "schedule", /hour: 25 is outside 0-23/],
  ["a schedule that never runs", { schedule: "0 0 31 2 *" }, "schedule", /never runs/],
  ["@every", { schedule: "@every 12h" }, "schedule", /@every/],
  ["a duration without unit", { period: "604800" }, "period", /must be a duration like/],
  ["a zero max TTL", { explicitMaxTtl: "0s" }, "explicitMaxTtl", /longer than 0s/],
  ["the latest tag", { image: "node:latest" }, "image", /"latest" tag.*Fix: pin a version/],
  ["an untagged image", { image: "docker.io/library/node" }, "image", /has no tag/],
  ["a namespace that is not a label", { namespace: "Creds_NS" }, "namespace", /DNS-1123 label/],
  ["a built-in policy name", { policy: "default" }, "policy", /built-in Vault policy/],
  ["a role with a slash", { role: "a/b" }, "role", /no '\/'/],
  ["an unknown key", { perid: "7d" }, "perid", /is not a known setting \(did you mean "period"\?\)/],
])("rejects %s", (_what, t, key, message) => {
  expect(problem(withTokenAuth(t), `vault-eso:tokenAuth.${key}`)).toMatch(message);
});

test("the timing rules only apply when token auth is enabled; field checks always do", () => {
  expect(() => parse({ ...validSections(), tokenAuth: { enabled: false, schedule: "@monthly" } })).not.toThrow();
  expect(problem({ ...validSections(), tokenAuth: { enabled: false, schedule: "nope" } }, "vault-eso:tokenAuth.schedule")).toMatch(/not a valid CronJob schedule/);
});

test("the credentials namespace is reserved: no tenant may take it", () => {
  const s = withTokenAuth({}, { tenants: [{ name: "external-secrets-credentials" }] });
  expect(problem(s, "vault-eso:tenants[0].name")).toMatch(/reserved/);
});

test("a digest-pinned image is accepted; the deadlines are counted in the rules", () => {
  expect(imageProblem(`node@sha256:${"a".repeat(64)}`)).toBeUndefined();
  expect(imageProblem("registry.example.com:5000/tools/node")).toMatch(/no tag/);
  expect(imageProblem("registry.example.com:5000/tools/node:24.11.1-alpine3.22")).toBeUndefined();
  expect(RUN_SLACK_SECONDS).toBe(35 * 60);
  // Exactly at the limit is accepted: 2 x 12 h + 35 min.
  expect(() => parse(withTokenAuth({ period: "1d35m", rotateBefore: "1d35m" }))).not.toThrow();
  expect(problem(withTokenAuth({ period: "1d34m", rotateBefore: "1d34m" }), "vault-eso:tokenAuth.schedule")).toMatch(/at least 1d35m/);
});

test("the dev stack file's tokenAuth example is valid disabled and enabled", () => {
  const { config: base, secretKeys } = readStackFile("dev");
  // The dev stack names kind's CA by file (kubernetesAuth.caCertFile): read it from the project.
  const read = (p: string) => fs.readFileSync(p, "utf8");
  expect(parseStackConfig(base, { secretKeys: new Set(secretKeys), readFile: read }).config.tokenAuth.enabled).toBe(false);
  const enabled = { ...base, "vault-eso:tokenAuth": JSON.stringify({ ...JSON.parse(base["vault-eso:tokenAuth"]), enabled: true }) };
  const { config } = parseStackConfig(enabled, { secretKeys: new Set(secretKeys), readFile: read });
  expect(config.tokenAuth).toMatchObject({ enabled: true, periodSeconds: 7 * 86400, maxRunGapSeconds: 12 * 3600 });
});
