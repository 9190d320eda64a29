/**
 * What a release tag must satisfy (docs/releases.md), pure: the tag is `v<version>` of
 * package.json, the version is semantic (semver.org 2.0.0, no build metadata), CHANGELOG.md has a
 * dated section for it, and the registrations snapshot of every shipped stack was taken for it
 * (`npm run identity:snapshot -- --release`), so the next version's upgrade test starts from it.
 */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?$/;

export interface ReleaseInput {
  readonly tag: string;
  readonly version: string;
  readonly changelog: string;
  /** Ids of the shipped stacks (scripts/lib/identity/shipped.ts). */
  readonly stacks: readonly string[];
  /** Whether test/identity/releases/v<version>/<id>.json exists. */
  readonly hasSnapshot: (id: string) => boolean;
}

export function releaseProblems(r: ReleaseInput): string[] {
  const out: string[] = [];
  if (!SEMVER.test(r.version)) out.push(`package.json version "${r.version}" is not a semantic version (MAJOR.MINOR.PATCH[-prerelease])`);
  if (r.tag !== `v${r.version}`) out.push(`tag "${r.tag}" is not v${r.version} (package.json's version). Fix: bump package.json (npm version --no-git-tag-version <version>) or tag v${r.version}`);
  if (!new RegExp(`^## \\[${escape(r.version)}\\] - \\d{4}-\\d{2}-\\d{2}\\s*$`, "m").test(r.changelog)) {
    out.push(`CHANGELOG.md has no section "## [${r.version}] - YYYY-MM-DD". Fix: rename "## [Unreleased]" to it and start a new [Unreleased]`);
  }
  const missing = r.stacks.filter((id) => !r.hasSnapshot(id));
  if (missing.length) out.push(`no registrations snapshot for ${missing.join(", ")} in test/identity/releases/v${r.version}/. Fix: npm run identity:snapshot -- --release, and commit it`);
  return out;
}

/** The body of the version's CHANGELOG.md section (the release notes). */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`## [${version}]`));
  if (start < 0) return "";
  const end = lines.findIndex((l, i) => i > start && /^## \[/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n").trim() + "\n";
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
