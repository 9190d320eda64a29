/**
 * Config `vault-eso:reloader` and `tenants[].reloader`: Stakater Reloader,
 * which restarts a tenant's workloads when ESO updates a Secret they read at
 * start. Pure: the zod schema and the cross-key checks.
 */
import { z } from "zod";
import { dnsLabel } from "../config/schema-helpers";

export const reloaderSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Install Stakater Reloader (pinned chart), watching only the tenants with `reloader: true`."),
    namespace: dnsLabel("reloader.namespace").default("reloader").describe("Namespace of the Reloader release (Pod Security `restricted`)."),
  })
  .describe("Restart workloads when ESO updates the Secrets they read at start; see docs/reloader.md.");

export type ReloaderConfig = z.infer<typeof reloaderSchema>;

export function checkReloader(
  r: ReloaderConfig,
  tenants: ReadonlyArray<{ readonly name: string; readonly reloader?: boolean }>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const opted = tenants.filter((t) => t.reloader);
  if (!r.enabled) {
    tenants.forEach((t, i) => {
      if (t.reloader) issue(["tenants", i, "reloader"], "needs the Reloader release, which is off. Fix: set vault-eso:reloader.enabled: true, or remove tenants[].reloader");
    });
    return;
  }
  if (opted.length === 0) {
    issue(["reloader", "enabled"], "Reloader would watch no tenant (it watches only the namespaces of tenants with reloader: true). Fix: set reloader: true on the tenants whose workloads should restart, or set reloader.enabled: false");
  }
  // A tenant named like reloader.namespace is refused by checkTenants (the namespace is the platform's).
}
