/**
 * Config section `vault-eso:audit`: Vault audit devices. Pure: the zod
 * schema, the cross-checks and the mapping to `vault.Audit` options.
 *
 * Once any audit device is enabled, Vault refuses every request that no
 * device can record: one full disk or one unreachable socket then stops
 * Vault. Production runs at least two devices.
 */
import { isIP } from "net";
import { z } from "zod";
import { vaultName } from "../config/schema-helpers";

export const AUDIT_TYPES = ["file", "socket", "syslog"] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

const common = {
  path: vaultName("the audit device path").optional().meta({ description: "Mount path of the device (`sys/audit/<path>`).", defaultText: "the type" }),
  description: z.string().optional().describe("The device's description (required when adopting it: `adopt.auditDevices`)."),
  logRaw: z.boolean().default(false).describe("Log secrets and tokens in clear text instead of HMAC-SHA256. dev only."),
  hmacAccessor: z.boolean().default(true).describe("HMAC token accessors too."),
  format: z.enum(["json", "jsonx"]).default("json").describe("Entry format."),
  prefix: z.string().optional().describe("Refused: current Vault CE (1.20.1, 1.19.7, 1.18.12, 1.16.23 and later) accepts an audit `prefix` only when the server config sets `allow_audit_log_prefixing` (CVE-2025-6000)."),
  local: z.boolean().default(false).describe("Do not replicate to performance secondaries (Enterprise)."),
};

const fileDevice = z.strictObject({
  type: z.literal("file").describe("The device type; the rows below say which type each option belongs to."),
  ...common,
  filePath: z.string().optional().describe("`file`: absolute path on the Vault server, or `stdout`/`discard`."),
  mode: z
    .string()
    .regex(/^0[0-7]{3}$/, { error: 'the audit file mode must be octal like "0600". Fix: e.g. "0600"' })
    .optional()
    .describe("`file`: file mode, octal (`0600`); `0000` leaves the mode alone; no execute bits (current Vault refuses them)."),
});

const socketDevice = z.strictObject({
  type: z.literal("socket").describe("The device type."),
  ...common,
  address: z.string().optional().describe("`socket`: `host:port` (tcp/udp) or a socket path (unix)."),
  socketType: z.enum(["tcp", "udp", "unix"]).default("tcp").describe("`socket`: the protocol."),
  writeTimeout: z
    .string()
    .regex(/^\d+(ms|s|m)$/, { error: 'writeTimeout must be a duration like "2s". Fix: e.g. "2s"' })
    .optional()
    .describe("`socket`: write timeout, e.g. `2s`."),
});

const syslogDevice = z.strictObject({
  type: z.literal("syslog").describe("The device type."),
  ...common,
  facility: z.string().min(1).default("AUTH").describe("`syslog`: the facility."),
  tag: z.string().min(1).default("vault").describe("`syslog`: the tag."),
});

export const auditDeviceSchema = z.discriminatedUnion("type", [fileDevice, socketDevice, syslogDevice], {
  error: 'an audit device needs a type: "file", "socket" or "syslog". Fix: e.g. { type: file, filePath: /vault/audit/audit.log }',
});

export const auditSchema = z
  .strictObject({
    devices: z
      .array(auditDeviceSchema)
      .optional()
      .meta({
        description: "Vault audit devices. prod needs at least one and is warned below two (once a device is on, Vault refuses requests no device can record).",
        defaultText: "none (dev); one `file` device to `stdout` (prod)",
      }),
  })
  .describe("Vault audit devices; see docs/operations.md#audit.");

export type AuditDeviceConfig = z.infer<typeof auditDeviceSchema>;
export type AuditConfig = z.infer<typeof auditSchema>;

/** prod's default when `audit.devices` is unset: Vault's stdout (collected with the server's logs). */
export const PROD_DEFAULT_AUDIT: readonly AuditDeviceConfig[] = [
  { type: "file", path: "file", filePath: "stdout", logRaw: false, hmacAccessor: true, format: "json", local: false },
];

/** The devices in effect for `environment`. */
export function effectiveAuditDevices(a: AuditConfig, environment: "dev" | "prod"): readonly AuditDeviceConfig[] {
  return a.devices ?? (environment === "prod" ? PROD_DEFAULT_AUDIT : []);
}

export function checkAudit(a: AuditConfig, environment: "dev" | "prod", issue: (path: (string | number)[], message: string) => void): void {
  const devices = effectiveAuditDevices(a, environment);
  if (environment === "prod" && devices.length === 0) {
    issue(["audit", "devices"], "prod must record every Vault request in an audit log. Fix: list at least one device, e.g. [{ type: file, filePath: /vault/audit/audit.log }, { type: socket, address: \"fluentd.logging:24224\" }]");
  }
  const paths = new Map<string, number>();
  devices.forEach((d, i) => {
    const at = (...k: string[]) => ["audit", "devices", i, ...k];
    const path = d.path ?? d.type;
    const first = paths.get(path);
    if (first !== undefined) issue(at("path"), `"${path}" is already used by audit.devices[${first}]: each device needs its own mount path. Fix: set path, e.g. "${d.type}-2"`);
    paths.set(path, i);
    if (d.logRaw && environment !== "dev") {
      issue(at("logRaw"), "would write every secret and token in clear text to the audit log. Fix: remove logRaw (Vault HMACs them; use sys/audit-hash to match a value)");
    }
    // Vault CE 1.20.1, 1.19.7, 1.18.12, 1.16.23 and later (CVE-2025-6000; hashicorp/vault audit/backend_file.go
    // passes `mode` to the file sink, which now refuses execute bits; vault/audit.go refuses `prefix` unless the
    // server config allows audit log prefixing): the write would fail at `pulumi up`, after other resources changed.
    if (d.prefix !== undefined && d.prefix !== "") {
      issue(at("prefix"), "current Vault (1.20.1, 1.19.7, 1.18.12, 1.16.23 and later) refuses an audit device prefix unless the server config sets allow_audit_log_prefixing, a setting that lets whoever can enable audit devices forge log lines. Fix: remove prefix (tag entries in your log pipeline instead)");
    }
    if (d.type === "file" && d.mode !== undefined && (parseInt(d.mode, 8) & 0o111) !== 0) {
      issue(at("mode"), `"${d.mode}" has execute bits; current Vault (1.20.1, 1.19.7, 1.18.12, 1.16.23 and later) refuses them for an audit file. Fix: e.g. "0600" (or "0640" for a log shipper's group)`);
    }
    if (d.type === "file") {
      if (!d.filePath) issue(at("filePath"), 'a file audit device needs a file_path. Fix: e.g. "/vault/audit/audit.log" (a directory the Vault server can write), or "stdout"');
      else if (d.filePath !== "stdout" && d.filePath !== "discard" && !d.filePath.startsWith("/")) {
        issue(at("filePath"), `"${d.filePath}" is not an absolute path on the Vault server. Fix: e.g. "/vault/audit/audit.log", or "stdout"`);
      } else if (d.filePath === "discard" && environment === "prod") {
        issue(at("filePath"), '"discard" records nothing. Fix: write to a file or "stdout"');
      }
    }
    if (d.type === "socket") {
      if (!d.address) issue(at("address"), 'a socket audit device needs an address. Fix: e.g. "fluentd.logging.svc:24224" (tcp/udp) or "/var/run/audit.sock" (unix)');
      else if (d.socketType === "unix" ? !d.address.startsWith("/") : !hostPortOk(d.address)) {
        issue(at("address"), d.socketType === "unix" ? `"${d.address}" is not a socket path. Fix: e.g. "/var/run/vault-audit.sock"` : `"${d.address}" is not host:port. Fix: e.g. "fluentd.logging.svc:24224"`);
      }
    }
  });
}

function hostPortOk(address: string): boolean {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address);
  if (!m) return false;
  const port = Number(m[2]);
  const host = m[1].replace(/^\[|\]$/g, "");
  return port > 0 && port < 65536 && (isIP(host) !== 0 || /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/.test(host));
}

/** Warnings (not errors) about the audit setup, for the Pulumi log. */
export function auditWarnings(devices: readonly AuditDeviceConfig[], environment: "dev" | "prod"): string[] {
  if (environment === "prod" && devices.length === 1) {
    return [
      `only one Vault audit device (${devices[0].path ?? devices[0].type}): if it cannot write, Vault refuses every request. Add a second device to vault-eso:audit.devices (e.g. a socket to your log shipper).`,
    ];
  }
  return [];
}

/** `vault.Audit` arguments for a device: Vault takes every option as a string. */
export function auditResourceArgs(d: AuditDeviceConfig): { type: AuditType; path: string; description?: string; local?: boolean; options: Record<string, string> } {
  const options: Record<string, string> = {
    log_raw: String(d.logRaw),
    hmac_accessor: String(d.hmacAccessor),
    format: d.format,
  };
  if (d.prefix !== undefined) options.prefix = d.prefix;
  if (d.type === "file") {
    options.file_path = d.filePath!;
    if (d.mode !== undefined) options.mode = d.mode;
  } else if (d.type === "socket") {
    options.address = d.address!;
    options.socket_type = d.socketType;
    if (d.writeTimeout !== undefined) options.write_timeout = d.writeTimeout;
  } else {
    options.facility = d.facility;
    options.tag = d.tag;
  }
  // `local` only when set: terraform-provider-vault auditRead never reads it back, so an explicit false would
  // differ from an imported device's null state (adoption) while an absent one compares as false.
  return { type: d.type, path: d.path ?? d.type, description: d.description ?? `${d.type} audit device (managed by vault-eso)`, ...(d.local ? { local: true } : {}), options };
}
