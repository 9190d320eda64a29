import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { AuditDeviceConfig, auditResourceArgs } from "./lib/audit-config";

export interface VaultAuditArgs {
  /** Audit devices to enable (validated by the config contract). Default: none. */
  readonly devices?: readonly AuditDeviceConfig[];
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
    super("vault-eso:index:VaultAudit", name, {}, opts);
    this.paths = (args.devices ?? []).map((d) => {
      const a = auditResourceArgs(d);
      return new vault.Audit(`${name}-${a.path}`, a, { parent: this }).path;
    });
    this.registerOutputs({ paths: this.paths });
  }
}
