/**
 * Model of how a Pulumi Node.js program receives its stack config, and of the
 * Linux limit that config runs into (written from the sources, not copied):
 *
 * - pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go `Run` /
 *   `constructConfig`: the language host JSON-encodes the whole config map
 *   (key "<ns>:<name>" -> string value; structured values are JSON strings, so
 *   their quotes are escaped again) and starts node with the environment entry
 *   `PULUMI_CONFIG=<that JSON>` (read: commit 0064624b; the key form has changed
 *   since, the one-variable design has not).
 * - torvalds/linux include/uapi/linux/binfmts.h `MAX_ARG_STRLEN` (32 pages =
 *   131072 bytes with 4 KiB pages) and fs/exec.c `copy_strings`: execve fails
 *   with E2BIG when one argument or environment string, with its NUL, is longer.
 */
export const MAX_ARG_STRLEN = 32 * 4096;

/** The `PULUMI_CONFIG=...` environment string for a runtime config map, in bytes with its NUL. */
export function pulumiConfigEnvBytes(config: Readonly<Record<string, string>>): number {
  return Buffer.byteLength(`PULUMI_CONFIG=${JSON.stringify(config)}`, "utf8") + 1;
}

/** Whether execve of the program would fail with E2BIG because of PULUMI_CONFIG alone. */
export function configExceedsExecLimit(config: Readonly<Record<string, string>>): boolean {
  return pulumiConfigEnvBytes(config) > MAX_ARG_STRLEN;
}
