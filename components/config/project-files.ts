/**
 * Files named in config (`tenantFiles`, `vault.caCertFile`,
 * `kubernetesAuth.caCertFile`, a tenant stack's `vault.caCertFile`) are read
 * only from inside the project directory: the stack file is reviewed as
 * code, but what it names must not reach the runner's other files (a CI
 * kubeconfig, `/proc/self/environ`) or hang the program.
 *
 * - `configPathProblem` (pure, used by the schema and the tenant-file
 *   expansion whatever file system is passed in): no absolute path, no `..`
 *   segment, no NUL, no backslash.
 * - `readProjectFile` / `listProjectDir` (Node's file system): the real path
 *   (symlinks resolved) must stay inside the project's real path; only a
 *   regular file is opened (checked with lstat before and fstat after opening,
 *   opened non-blocking and without following a final symlink, so a FIFO or a
 *   device is never read); at most `MAX_CONFIG_FILE_BYTES`.
 *
 * Messages name the path and the rule, never the file's content.
 */
import * as fs from "fs";
import * as path from "path";

/** The largest file config may name: 1 MiB (a tenant file of ~1,000 tenants is ~150 KiB; a CA bundle a few KiB). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

const FIX = "Fix: give a path relative to the Pulumi project directory, inside it (e.g. \"tenants/dev/*.yaml\", \"kind-ca.pem\")";

/** Why a path from config may not be used, or undefined. Pure. */
export function configPathProblem(p: string): string | undefined {
  if (p.includes("\0")) return `contains a NUL character. ${FIX}`;
  if (p.includes("\\")) return `contains a backslash. ${FIX} with "/" separators`;
  if (path.posix.isAbsolute(p) || /^[A-Za-z]:/.test(p)) return `is an absolute path: files named in config must be inside the project directory. ${FIX}`;
  if (p.split("/").includes("..")) return `has a ".." segment: files named in config must be inside the project directory. ${FIX}`;
  return undefined;
}

/** An error whose message is safe to show (names the rule, never the content). */
export class ProjectFileError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "ProjectFileError";
  }
}

function realRoot(projectDir: string): string {
  return fs.realpathSync(projectDir);
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

/** The real path of `p` (relative to the project), checked to stay inside the project. Throws ProjectFileError. */
export function confinedRealPath(projectDir: string, p: string): string {
  const lexical = configPathProblem(p);
  if (lexical) throw new ProjectFileError(lexical, "EOUTSIDE");
  const root = realRoot(projectDir);
  let real: string;
  try {
    real = fs.realpathSync(path.resolve(root, p));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "EIO";
    throw new ProjectFileError(`cannot be read (${code}). ${FIX}`, code);
  }
  if (!inside(root, real)) throw new ProjectFileError(`resolves (through a symbolic link) to a file outside the project directory. ${FIX}, not a link out of it`, "EOUTSIDE");
  return real;
}

function kind(st: fs.Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  if (st.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

/** Reads a regular file inside the project, at most MAX_CONFIG_FILE_BYTES, as UTF-8. Throws ProjectFileError. */
export function readProjectFile(projectDir: string, p: string, maxBytes: number = MAX_CONFIG_FILE_BYTES): string {
  const real = confinedRealPath(projectDir, p);
  const before = fs.lstatSync(real);
  if (!before.isFile()) throw new ProjectFileError(`is ${kind(before)}, not a regular file. ${FIX}`, "ENOTREG");
  if (before.size > maxBytes) throw new ProjectFileError(`is ${before.size} bytes, over the ${maxBytes}-byte limit for files named in config. Fix: split it (tenantFiles takes a directory or a pattern)`, "EFBIG");
  // O_NONBLOCK: if the file was swapped for a FIFO after lstat, open does not wait for a writer; O_NOFOLLOW: nor for a new link.
  const fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.ino !== before.ino || st.dev !== before.dev) throw new ProjectFileError(`changed while it was read (now ${kind(st)}). ${FIX}`, "ENOTREG");
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > maxBytes) throw new ProjectFileError(`grew over the ${maxBytes}-byte limit for files named in config while it was read. Fix: split it`, "EFBIG");
      if (n === buf.length) break;
    }
    return buf.subarray(0, n).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Entries of a directory inside the project, or undefined when `dir` is not one (or leaves the project). */
export function listProjectDir(projectDir: string, dir: string): Array<{ name: string; isDir: boolean }> | undefined {
  let real: string;
  try {
    real = confinedRealPath(projectDir, dir === "" ? "." : dir);
  } catch {
    return undefined;
  }
  try {
    if (!fs.lstatSync(real).isDirectory()) return undefined;
    return fs.readdirSync(real, { withFileTypes: true }).map((e) => ({ name: e.name, isDir: e.isDirectory() }));
  } catch {
    return undefined;
  }
}

/** What to say when reading a file named in config failed (any file system): the rule broken, or the error code. */
export function readFailure(e: unknown): string {
  if (e instanceof ProjectFileError) return e.message;
  return `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"}). ${FIX}`;
}

/**
 * The files `tenantFiles` (and the CA files) name, read from disk relative to the project directory and
 * confined to it: no absolute or `..` paths, no symlink out of it, regular files only, at most
 * MAX_CONFIG_FILE_BYTES. (No Pulumi import: `npm run verify` uses it too.)
 */
export function nodeTenantFileSystem(projectDir: string = process.cwd()): { readFile: (p: string) => string; listDir: (dir: string) => Array<{ name: string; isDir: boolean }> | undefined } {
  return { readFile: (p) => readProjectFile(projectDir, p), listDir: (dir) => listProjectDir(projectDir, dir) };
}
