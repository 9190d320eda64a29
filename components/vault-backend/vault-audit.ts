import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { AuditDeviceConfig, auditDeviceSchema, auditResourceArgs } from "./audit-config";
import { zodProblems } from "../config/args-check";
import { InputError } from "../config/errors";
import { deferredProblems, refuse } from "../config/component-inputs";

/** A Vault audit device type. */
export const AuditDeviceType = {
  /** A file on the Vault server (or `stdout` / `discard`). */
  file: "file",
  /** A TCP, UDP or unix socket. */
  socket: "socket",
  /** The local syslog. */
  syslog: "syslog",
} as const;
export type AuditDeviceType = (typeof AuditDeviceType)[keyof typeof AuditDeviceType];

/** An audit entry format. */
export const AuditFormat = {
  /** One JSON object per audit entry. */
  json: "json",
  /** The JSON entry converted to XML. */
  jsonx: "jsonx",
} as const;
export type AuditFormat = (typeof AuditFormat)[keyof typeof AuditFormat];

/** A socket device's protocol. */
export const AuditSocketType = {
  /** A TCP socket (`address` is host:port). */
  tcp: "tcp",
  /** A UDP socket (`address` is host:port). */
  udp: "udp",
  /** A Unix domain socket (`address` is a path). */
  unix: "unix",
} as const;
export type AuditSocketType = (typeof AuditSocketType)[keyof typeof AuditSocketType];

/**
 * One audit device, one interface for every type (schema-friendly: no union): the common fields, plus `filePath`
 * and `mode` (file), `address`, `socketType` and `writeTimeout` (socket), `facility` and `tag` (syslog). A field of
 * another type is refused. Every stack config device (`audit.devices[]`) is one.
 */
export interface AuditDeviceOptions {
  /** `file`, `socket` or `syslog`. */
  readonly type: AuditDeviceType;
  /** Mount path of the device (`sys/audit/<path>`). Default: the type. */
  readonly path?: string;
  /** The device's description. Default: none. */
  readonly description?: string;
  /** Log secrets and tokens in clear text instead of HMAC-SHA256 (dev only). Default false. */
  readonly logRaw?: boolean;
  /** HMAC token accessors too. Default true. */
  readonly hmacAccessor?: boolean;
  /** Entry format. Default `json`. */
  readonly format?: AuditFormat;
  /** Prefix written before each entry. Default: none. */
  readonly prefix?: string;
  /** Do not replicate to performance secondaries (Enterprise). Default false. */
  readonly local?: boolean;
  /** `file`: absolute path on the Vault server, or `stdout` / `discard`. Default: none (Vault's rule applies). */
  readonly filePath?: string;
  /** `file`: file mode, octal (`0600`); `0000` leaves the mode alone. Default: none (Vault's default). */
  readonly mode?: string;
  /** `socket`: `host:port` (tcp/udp) or a socket path (unix). Default: none. */
  readonly address?: string;
  /** `socket`: the protocol. Default `tcp`. */
  readonly socketType?: AuditSocketType;
  /** `socket`: write timeout, e.g. `2s`. Default: none (Vault's default). */
  readonly writeTimeout?: string;
  /** `syslog`: the facility. Default `AUTH`. */
  readonly facility?: string;
  /** `syslog`: the tag. Default `vault`. */
  readonly tag?: string;
}

export interface VaultAuditArgs {
  /** Audit devices to enable (checked like the stack config's `audit.devices`). Default: none. */
  readonly devices?: AuditDeviceOptions[];
}

/**
 * Vault audit devices (`sys/audit/<path>`). Vault records every request and
 * response, HMAC-SHA256 of secrets and tokens (unless `logRaw`), and refuses
 * requests no enabled device can record: run at least two in production.
 */
export class VaultAudit extends pulumi.ComponentResource {
  /** Mount paths of the devices. */
  public readonly paths: pulumi.Output<string>[];

  constructor(name: string, args: VaultAuditArgs, opts?: pulumi.ComponentResourceOptions) {
    // Which resources exist follows from these args: an Output outside the Input fields is refused, never stringified.
    refuse("VaultAudit", name, deferredProblems(args, []));
    const problems: string[] = [];
    const devices: AuditDeviceConfig[] = [];
    (args.devices ?? []).forEach((d, i) => {
      const r = zodProblems(`devices[${i}]`, auditDeviceSchema, d);
      problems.push(...r.problems);
      if (r.data) devices.push(r.data as AuditDeviceConfig);
    });
    if (problems.length > 0) throw new InputError(`VaultAudit ${name}: ${problems.join("; ")}`);
    super("vault-eso:index:VaultAudit", name, {}, opts);
    this.paths = devices.map((d) => {
      const a = auditResourceArgs(d);
      return new vault.Audit(`${name}-${a.path}`, a, { parent: this }).path;
    });
    this.registerOutputs({ paths: this.paths });
  }
}
/** @deprecated Renamed to `AuditDeviceOptions` (a name ending in `Args` doubles in generated SDKs). */
export type AuditDeviceArgs = AuditDeviceOptions;
