/**
 * What Prometheus does with the `scrape_configs` entry the program writes
 * (read through `additionalScrapeConfigs`). A model written from
 * prometheus/prometheus config/config.go (Load: yaml.UnmarshalStrict, so an
 * unknown field fails the whole config; ScrapeConfig.Validate: job_name
 * required, scheme http|https) and prometheus/common config/http_config.go
 * HTTPClientConfig.Validate (authorization: credentials XOR credentials_file,
 * type defaults to "Bearer", "basic" refused; tls_config fields).
 */
const SCRAPE_KEYS = new Set(["job_name", "scrape_interval", "scrape_timeout", "metrics_path", "params", "scheme", "authorization", "tls_config", "static_configs", "honor_labels", "relabel_configs", "metric_relabel_configs"]);
const AUTHORIZATION_KEYS = new Set(["type", "credentials", "credentials_file"]);
const TLS_KEYS = new Set(["ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version"]);
const STATIC_KEYS = new Set(["targets", "labels"]);
/** prometheus/common model.ParseDuration. */
const DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;

export function scrapeJobProblems(job: Record<string, any>): string[] {
  const out: string[] = [];
  const unknown = (o: Record<string, unknown>, keys: Set<string>, where: string) => Object.keys(o).filter((k) => !keys.has(k)).forEach((k) => out.push(`field ${k} not found in ${where}`));
  unknown(job, SCRAPE_KEYS, "scrape_config");
  if (!job.job_name) out.push("job_name is empty");
  if (job.scheme !== undefined && !["http", "https"].includes(job.scheme)) out.push(`unknown scheme ${job.scheme}`);
  for (const k of ["scrape_interval", "scrape_timeout"]) if (job[k] !== undefined && (!DURATION.test(job[k]) || job[k] === "")) out.push(`${k} ${job[k]} is not a duration`);
  for (const [k, v] of Object.entries(job.params ?? {})) if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) out.push(`params.${k} must be a list of strings`);
  const a = job.authorization;
  if (a) {
    unknown(a, AUTHORIZATION_KEYS, "authorization");
    if (a.credentials && a.credentials_file) out.push("at most one of authorization credentials & credentials_file must be configured");
    if (String(a.type ?? "Bearer").trim().toLowerCase() === "basic") out.push('authorization type cannot be set to "basic", use "basic_auth" instead');
  }
  if (job.tls_config) unknown(job.tls_config, TLS_KEYS, "tls_config");
  for (const sc of job.static_configs ?? []) {
    unknown(sc, STATIC_KEYS, "static_config");
    for (const t of sc.targets ?? []) if (!/^[^/:]+(:\d+)?$/.test(t)) out.push(`target ${t} is not host[:port]`);
  }
  return out;
}

/** The file Prometheus reads the bearer token from, per scrape (http_config.go: credentials_file is re-read on each request). */
export function tokenFileOf(job: Record<string, any>): string | undefined {
  return job.authorization?.credentials_file;
}
