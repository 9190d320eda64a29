/**
 * The token-auth variant's lifecycle across `pulumi up`, the renewer's
 * rotation, `pulumi refresh`, `pulumi up`, `pulumi destroy` and a replacement
 * of the token, with the provider's CRUD (./tf-vault-token.ts) and the Pulumi
 * engine's rules: refresh calls Read and drops what it reports gone; up
 * creates what the program declares and state lacks, and replaces (create,
 * then delete the old one) on a change of a ForceNew input; destroy and the
 * delete half of a replacement call Delete unless the resource has
 * `retainOnDelete`.
 *
 * `Program` is what the program registers, read from the mock engine: the
 * token's options and lifetime, and whether a bootstrap Job (re-created with
 * each new token, see components/token-renewer/token-renewer.ts) runs the renewer during
 * `up` so that the Pulumi-minted token is consumed and revoked before `up`
 * ends.
 */
import { TokenState, tokenResource, VaultRelease, VaultTokens } from "./tf-vault-token";

export interface Program {
  /** `retainOnDelete` on the `vault.Token`. */
  readonly retainOnDelete: boolean;
  /** Effective explicit max TTL of the Pulumi-minted token (seconds). */
  readonly pulumiTokenMaxLife: number;
  /** Explicit max TTL of the renewer's tokens (the role's). */
  readonly roleMaxLife: number;
  /** A Job that reads the bootstrap Secret and runs during `up` whenever the token is (re)created. */
  readonly bootstrapJob: boolean;
  /** The main Secret's data is ignored after creation (the renewer owns it). */
  readonly secretIgnoresData: boolean;
}

export interface World {
  readonly vault: VaultTokens;
  /** Pulumi state of the `vault.Token` (undefined: not in state). */
  token?: TokenState;
  /** What ESO's Secret holds. */
  secret?: string;
  /** What the bootstrap Secret holds (Pulumi writes it; no other writer). */
  bootstrapSecret?: string;
  readonly log: string[];
}

export function newWorld(release: VaultRelease = "current"): World {
  return { vault: new VaultTokens(release), log: [] };
}

/** The renewer run (renew.mjs) in bootstrap mode: consume or discard the bootstrap token. */
function bootstrapRun(w: World, p: Program): void {
  const b = w.bootstrapSecret;
  const main = w.vault.byValue(w.secret);
  if (b === undefined) return;
  if (b === w.secret) {
    // First deployment: the Secret holds the bootstrap token, which is short-lived: rotate at once.
    rotate(w, p);
    return;
  }
  if (main?.status === "live") {
    w.vault.revokeSelf(b);
    w.log.push("bootstrap token discarded (the Secret's token is alive)");
  } else if (w.vault.byValue(b)?.status === "live") {
    const s = w.vault.mint("renewer", p.roleMaxLife);
    w.secret = s.value;
    w.vault.revokeSelf(b);
    w.log.push("the Secret's token was dead: a successor minted with the bootstrap token, which was then revoked");
  }
}

/** The renewer's rotation: a successor through the role, stored in the Secret, then the old token revoked. */
export function rotate(w: World, p: Program): void {
  const old = w.secret;
  const s = w.vault.mint("renewer", p.roleMaxLife);
  w.secret = s.value;
  if (old) w.vault.revokeSelf(old);
  w.log.push("rotated");
}

export function up(w: World, p: Program): { ok: true } | { error: string } {
  if (!w.token) {
    w.token = tokenResource.create(w.vault, p.pulumiTokenMaxLife);
    if (w.secret === undefined || !p.secretIgnoresData) w.secret = w.token.clientToken;
    if (p.bootstrapJob) {
      w.bootstrapSecret = w.token.clientToken;
      bootstrapRun(w, p);
    }
  }
  return { ok: true };
}

export function refresh(w: World): void {
  if (w.token && !tokenResource.read(w.vault, w.token)) {
    w.log.push("refresh dropped the vault.Token");
    w.token = undefined;
  }
}

function deleteToken(w: World, p: Program, s: TokenState): { ok: true } | { error: string } {
  if (p.retainOnDelete) return { ok: true };
  return tokenResource.delete(w.vault, s);
}

export function destroy(w: World, p: Program): { ok: true } | { error: string } {
  if (!w.token) return { ok: true };
  const r = deleteToken(w, p, w.token);
  if ("error" in r) return r;
  w.token = undefined;
  w.secret = undefined;
  w.bootstrapSecret = undefined;
  return { ok: true };
}

/** A change of a ForceNew input (role, policies, display name, ...): create the new token, then delete the old one. */
export function replace(w: World, p: Program): { ok: true } | { error: string } {
  const old = w.token;
  w.token = undefined;
  up(w, p);
  if (!old) return { ok: true };
  const r = deleteToken(w, p, old);
  if ("error" in r) {
    // The engine keeps the old resource (pending delete) and the update fails.
    return r;
  }
  return { ok: true };
}

/** Live tokens whose value is held only by Pulumi's state (not by ESO's Secret). */
export function liveOnlyInState(w: World): string[] {
  return w.vault
    .live()
    .filter((t) => t.value !== w.secret && t.value === w.token?.clientToken)
    .map((t) => t.accessor);
}
