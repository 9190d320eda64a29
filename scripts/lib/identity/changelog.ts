/**
 * What CHANGELOG.md promises an upgrade does to existing stacks (docs/releases.md). Pure.
 *
 * Each release section (`## [x.y.z] - date`, or `## [Unreleased]`) may list, under
 * `### Upgrade: in-place updates`, one line per input an upgrade changes in place
 * (`` - `<resource type> <input>`: why ``), and under `### Upgrade: replaced` the objects
 * (never stateful ones) it replaces (`` - `<resource type>`: why ``). The upgrade test accepts
 * exactly what the sections newer than the snapshot's release list.
 */

export interface UpgradePromises {
  readonly updates: Set<string>;
  readonly replaced: Set<string>;
}

/** Newer than `version`: [Unreleased] and every `## [x.y.z]` above the section of `version`. */
export function upgradePromises(changelog: string, sinceVersion: string): UpgradePromises {
  const updates = new Set<string>();
  const replaced = new Set<string>();
  let section: "updates" | "replaced" | undefined;
  for (const line of changelog.split("\n")) {
    const release = /^## \[([^\]]+)\]/.exec(line);
    if (release) {
      if (release[1] === sinceVersion) break;
      section = undefined;
      continue;
    }
    if (/^### /.test(line)) {
      section = /^### Upgrade: in-place updates\s*$/i.test(line) ? "updates" : /^### Upgrade: replaced\s*$/i.test(line) ? "replaced" : undefined;
      continue;
    }
    const item = /^- `([^`]+)`/.exec(line);
    if (item && section) (section === "updates" ? updates : replaced).add(item[1]);
  }
  return { updates, replaced };
}

/** The versions CHANGELOG.md has sections for, newest first (`Unreleased` excluded). */
export function releasedVersions(changelog: string): string[] {
  return [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]/gm)].map((m) => m[1]);
}
