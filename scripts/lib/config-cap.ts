/**
 * The largest stack config the language host can hand the program: PULUMI_CONFIG is one
 * environment string (pulumi-language-nodejs execRuntime), and Linux refuses to exec a process
 * with any single argument or environment string longer than MAX_ARG_STRLEN (32 pages = 128 KiB,
 * NUL included; include/uapi/linux/binfmts.h) with E2BIG.
 */
import { spawnSync } from "child_process";
import { benchStackConfig } from "./bench-config";
import { languageHostConfig } from "./language-host";

export const MAX_ARG_STRLEN = 32 * 4096;

export function pulumiConfigLength(base: string, tenants: number): number {
  return `PULUMI_CONFIG=${JSON.stringify(languageHostConfig(benchStackConfig(base, tenants).config))}`.length;
}

/** Whether the kernel execs a process with PULUMI_CONFIG for `tenants` generated tenants (E2BIG if not). */
export function execs(base: string, tenants: number): boolean {
  const value = JSON.stringify(languageHostConfig(benchStackConfig(base, tenants).config));
  const r = spawnSync("/bin/true", [], { env: { PATH: process.env.PATH ?? "", PULUMI_CONFIG: value } });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== "E2BIG") throw r.error;
  return !r.error && r.status === 0;
}

/** The largest tenant count whose PULUMI_CONFIG still execs (binary search, confirmed by exec). */
export function maxTenants(base: string): { tenants: number; bytes: number; nextBytes: number } {
  let lo = 1;
  let hi = 2;
  while (execs(base, hi)) hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (execs(base, mid)) lo = mid;
    else hi = mid;
  }
  return { tenants: lo, bytes: pulumiConfigLength(base, lo), nextBytes: pulumiConfigLength(base, lo + 1) };
}
