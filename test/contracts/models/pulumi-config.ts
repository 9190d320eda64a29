/**
 * Model of how the Pulumi engine hands stack config to a Node.js program
 * (written from pulumi/pulumi, not copied):
 *
 * - sdk/go/common/resource/config/value.go `unmarshalValue`: a YAML value that
 *   is a one-key map `{secure: <ciphertext>}` is a secure scalar; any other map
 *   or list is an object value, secure as a WHOLE when `hasSecureValue` finds a
 *   `{secure: ...}` leaf anywhere inside it.
 * - value.go `Value`: a secure object is handed over as JSON with every secure
 *   leaf decrypted (`decryptObject`); nothing marks which leaf it was.
 * - map.go `SecureKeys`: the list of top-level keys whose value is secure; the
 *   engine passes it with the run request (pkg/resource/deploy/source_eval.go
 *   `Iterate`), and the Node.js language host
 *   (sdk/nodejs/cmd/pulumi-language-nodejs/main.go `constructConfigSecretKeys`)
 *   exports it as PULUMI_CONFIG_SECRET_KEYS (JSON list of "<ns>:<key>").
 * - @pulumi/pulumi runtime/config.ts `isConfigSecret(k)`: exact membership of
 *   `k` in that list; a path inside a key ("ns:key.sub") is never listed.
 */

/** `{secure: "<string>"}` and nothing else (value.go `isSecureValue`). */
export function isSecureLeaf(v: unknown): v is { secure: string } {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";
}

/** value.go `hasSecureValue`: a secure leaf anywhere inside a map or list. */
export function hasSecureLeaf(v: unknown): boolean {
  if (isSecureLeaf(v)) return true;
  if (Array.isArray(v)) return v.some(hasSecureLeaf);
  if (v && typeof v === "object") return Object.values(v).some(hasSecureLeaf);
  return false;
}

/** value.go `decryptObject`: every secure leaf replaced by `decrypt(ciphertext)`. */
function decryptObject(v: unknown, decrypt: (ciphertext: string) => string): unknown {
  if (isSecureLeaf(v)) return decrypt(v.secure);
  if (Array.isArray(v)) return v.map((x) => decryptObject(x, decrypt));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decryptObject(x, decrypt)]));
  return v;
}

export interface EngineConfig {
  /** What the program reads with `runtime.allConfig()`: strings, objects as JSON. */
  readonly config: Record<string, string>;
  /** map.go `SecureKeys`: what PULUMI_CONFIG_SECRET_KEYS lists. */
  readonly secretKeys: string[];
}

/** A stack file's `config:` map as the engine hands it to the program, with a stand-in decrypter. */
export function engineConfig(stackConfig: Record<string, unknown>, decrypt: (ciphertext: string) => string): EngineConfig {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(stackConfig)) {
    if (typeof value === "string") {
      config[key] = value;
    } else if (isSecureLeaf(value)) {
      config[key] = decrypt(value.secure);
      secretKeys.push(key);
    } else if (value !== null && typeof value === "object") {
      config[key] = JSON.stringify(decryptObject(value, decrypt));
      if (hasSecureLeaf(value)) secretKeys.push(key);
    } else {
      // YAML scalars other than strings (numbers, booleans) reach the program as their text.
      config[key] = String(value);
    }
  }
  return { config, secretKeys };
}
