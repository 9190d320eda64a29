/**
 * VaultEsoPlatform (issue 20 point 3): the stack program's platform as one component, and existing stacks moving
 * under it without a delete or replacement. Under the mock engine, for dev and prod: the old program
 * (buildPlatform at the stack root) and the component built from the same config sections register the same
 * resources (type, name, inputs), and every old URN is the new resource's URN or one of its aliases, as the engine
 * computes them (pulumi/pulumi pkg/resource/deploy: a resource's URN type is its parent's qualified type `$` its
 * own; an alias spec with `noParent` names the resource at the stack root; a child inherits one alias per alias of
 * its parent, at the parent alias's qualified type).
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { installMocks, MockEngine } from "./helpers/mocks";
import { readStackFile } from "./helpers/stack-file";

interface Wire {
  readonly mockUrn: string;
  readonly mockParent: string;
  readonly type: string;
  readonly name: string;
  readonly aliasesAtRoot: boolean;
  readonly other: number;
}

// What each registration carries on the wire: parent, type, name, alias specs.
const wire: Wire[] = [];
const proto = MockMonitor.prototype as unknown as { registerResource: (req: any, cb: any) => Promise<void>; newUrn: (p: string, t: string, n: string) => string };
const original = proto.registerResource;
proto.registerResource = function (this: unknown, req: any, cb: any) {
  const aliases = req.getAliasesList() as any[];
  wire.push({
    mockUrn: proto.newUrn.call(this, req.getParent(), req.getType(), req.getName()),
    mockParent: req.getParent(),
    type: req.getType(),
    name: req.getName(),
    aliasesAtRoot: aliases.some((a) => a.hasSpec() && a.getSpec().getNoparent()),
    other: aliases.filter((a) => !(a.hasSpec() && a.getSpec().getNoparent())).length,
  });
  return original.call(this, req, cb);
};

/** URNs the way the engine forms them: the full chain of parent types. */
function engineUrns(rs: Wire[], stack: string, project: string): Map<Wire, { urn: string; aliases: string[] }> {
  const byMock = new Map(rs.map((r) => [r.mockUrn, r]));
  const out = new Map<Wire, { urn: string; aliases: string[] }>();
  const qualified = (urn: string) => urn.split("::")[2];
  const of = (r: Wire): { urn: string; aliases: string[] } => {
    const known = out.get(r);
    if (known) return known;
    const parent = r.mockParent ? byMock.get(r.mockParent) : undefined;
    const p = parent ? of(parent) : undefined;
    const at = (parentQualified: string | undefined) => `urn:pulumi:${stack}::${project}::${parentQualified ? `${parentQualified}$` : ""}${r.type}::${r.name}`;
    const urn = at(p ? qualified(p.urn) : undefined);
    const aliases = [...(r.aliasesAtRoot ? [at(undefined)] : []), ...(p ? p.aliases.map((a) => at(qualified(a))) : [])];
    const v = { urn, aliases };
    out.set(r, v);
    return v;
  };
  for (const r of rs) of(r);
  return out;
}

describe.each(["dev", "prod"])("%s", (stack) => {
  let engine: MockEngine;
  let oldSide: Wire[];
  let newSide: Wire[];
  let urns: Map<Wire, { urn: string; aliases: string[] }>;

  beforeAll(async () => {
    wire.length = 0;
    engine = installMocks(stack);
    const { config, secretKeys } = readStackFile(stack);
    pulumi.runtime.setAllConfig(config, secretKeys);
    const { loadStackConfig } = await import("../components/config/stack-config.js");
    const { buildPlatform } = await import("../components/platform.js");
    const { VaultEsoPlatform, platformArgsFromConfig } = await import("../components/vault-eso-platform.js");
    // Before: what index.ts built (buildPlatform at the stack root). After: the component the program now constructs.
    const loaded = loadStackConfig();
    buildPlatform(loaded, "organization/vault-eso/" + stack);
    await engine.settle();
    oldSide = [...wire];
    new VaultEsoPlatform("vault-eso", platformArgsFromConfig(pulumi.runtime.allConfig(), loaded.secrets));
    await engine.settle();
    newSide = wire.slice(oldSide.length);
    urns = engineUrns(wire, stack, "vault-eso");
  }, 120000);

  test("the component registers what the program registered, plus itself", () => {
    const key = (r: Wire) => `${r.type}::${r.name}`;
    expect(newSide.filter((r) => r.type !== "vault-eso:index:VaultEsoPlatform").map(key).sort()).toEqual(oldSide.map(key).sort());
    expect(newSide.filter((r) => r.type === "vault-eso:index:VaultEsoPlatform")).toHaveLength(1);
    expect(oldSide.length).toBeGreaterThan(20);
  });

  test("same inputs, resource by resource", () => {
    // The mock engine's newResource runs in registration order, as the wire records do.
    const inputs = (from: number, to?: number) =>
      engine.resources
        .slice(from, to)
        .filter((r) => r.type !== "vault-eso:index:VaultEsoPlatform")
        .map((r) => JSON.stringify([r.type, r.name, r.inputs]))
        .sort();
    expect(engine.resources).toHaveLength(wire.length);
    expect(inputs(oldSide.length)).toEqual(inputs(0, oldSide.length));
  });

  test("every old URN is the new resource's URN or one of its aliases (no delete, no replacement)", () => {
    const covered = new Set(newSide.flatMap((r) => [urns.get(r)!.urn, ...urns.get(r)!.aliases]));
    const missing = oldSide.map((r) => urns.get(r)!.urn).filter((u) => !covered.has(u));
    expect(missing).toEqual([]);
    // Each resource keeps its own identity: the alias that covers it is its own old URN, not another's.
    for (const r of newSide.filter((x) => x.type !== "vault-eso:index:VaultEsoPlatform")) {
      const old = oldSide.find((o) => o.type === r.type && o.name === r.name && urns.get(o)!.urn.endsWith(urns.get(r)!.urn.split("$").pop()!))!;
      expect(urns.get(r)!.aliases).toContain(urns.get(old)!.urn);
    }
  });
});
