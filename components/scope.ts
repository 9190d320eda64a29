import * as pulumi from "@pulumi/pulumi";

/**
 * Where buildPlatform's top-level resources go: the stack root (the program before VaultEsoPlatform), or under a
 * component, each then aliased to its old place (parent = the stack root) so an existing stack sees no replacement.
 */
export interface BuildScope {
  readonly parent?: pulumi.Resource;
}

/** `opts` for a top-level resource of the platform, placed in `scope`. */
export function scoped<T extends pulumi.ResourceOptions>(scope: BuildScope | undefined, opts?: T): T {
  if (!scope?.parent) return (opts ?? {}) as T;
  return { ...(opts ?? {}), parent: scope.parent, aliases: [...(opts?.aliases ?? []), { parent: pulumi.rootStackResource }] } as T;
}
