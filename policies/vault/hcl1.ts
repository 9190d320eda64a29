/**
 * A synchronous reader for HCL v1, the configuration language Vault parses
 * policies with (`github.com/hashicorp/hcl` without `/v2`, called from
 * hashicorp/vault `vault/policy.go` `parseACLPolicyWithTemplating` as
 * `hcl.Parse(rules)`). Vault builds with HashiCorp's fork of HCL v1
 * (tag `v1.0.1-vault-7`, commit 02db4972906a1b43a46e2ffb0d2aae2c71875d94),
 * which refuses an attribute set twice in one object (`capabilities = [...]`
 * twice: "The argument ... was already set. Each argument can only be
 * defined once"; Vault accepts it only with the environment variable
 * `VAULT_ALLOW_PENDING_REMOVAL_DUPLICATE_HCL_ATTRIBUTES=true`, which
 * `allowDuplicateAttributes` models) and no longer drops an error raised
 * right before a `}`. Written from the grammar of hashicorp/hcl v1
 * (`parse.go` `parse`/`lexMode`, `hcl/scanner/scanner.go` `Scan`,
 * `hcl/parser/parser.go` `objectList`/`objectItem`/`objectKey`/`object`/
 * `listType`, `json/parser/parser.go` and `json/parser/flatten.go`
 * `flattenObjects`); no code is copied.
 *
 * Like `hcl.Parse`, it reads either syntax: text whose first non-space
 * character is `{` is JSON, anything else is HCL. The result is the tree
 * Vault's policy decoder walks: an object is a list of items, each with one
 * or more keys (`path "secret/x" { ... }` is one item with the keys `path`
 * and `secret/x`), repeated keys kept in order (HCL v1 allows them; HCL 2
 * refuses a repeated attribute). JSON objects whose members are all objects
 * are flattened into multi-key items, as hashicorp/hcl's JSON parser does,
 * so `{"path": {"a": {...}}}` reads like `path "a" {...}`.
 *
 * Cross-checked against the real parser (a throwaway Go program over
 * hashicorp/hcl `v1.0.1-vault-7`, 20,000 inputs: Vault's test policies,
 * the policies this project emits and random one-character mutations of
 * them, 30,000 in the last run): same tree or both refusing, except `\xNN`
 * escapes above 0x7f in strings (Go yields raw bytes). The JSON side keeps
 * hashicorp/hcl's leniencies (see JsonParser). Pure: no I/O.
 */

export interface HclLiteral {
  readonly kind: "literal";
  readonly type: "string" | "heredoc" | "number" | "float" | "bool";
  /** The token as written (numbers keep their spelling: HCL v1 decodes a number into a string as its text). */
  readonly text: string;
  readonly value: string | number | boolean;
  readonly line: number;
}
export interface HclList {
  readonly kind: "list";
  readonly elems: HclNode[];
  readonly line: number;
}
export interface HclObject {
  readonly kind: "object";
  readonly items: HclItem[];
  readonly line: number;
}
export type HclNode = HclLiteral | HclList | HclObject;
export interface HclItem {
  /** `path "x" {}` has keys ["path", "x"]; `a = 1` has ["a"]. */
  readonly keys: string[];
  readonly val: HclNode;
  readonly line: number;
}

/** A character the scanner refuses: hashicorp/hcl records it and fails the parse at the end, whatever the parser did with the token. */
class HclScanError extends Error {}

/** hcl/parser `errEofToken`: the input ended where an item's value should start; the item is dropped and the list ends. */
const EOF_SIGNAL = Symbol("eof");

export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export interface Hcl1Options {
  /** Accept an attribute set twice in one HCL object, as Vault does only with VAULT_ALLOW_PENDING_REMOVAL_DUPLICATE_HCL_ATTRIBUTES=true (and Vault before 1.19). Default false. */
  readonly allowDuplicateAttributes?: boolean;
}

/** Parses HCL v1 or JSON (chosen as hashicorp/hcl `lexMode` chooses) into the root object. Throws HclSyntaxError. */
export function parseHcl1(src: string, options: Hcl1Options = {}): HclObject {
  const first = src.match(/^\s*(.)/su)?.[1];
  try {
    return first === "{" ? parseJson(src) : new HclParser(src.replace(/\r\n/g, "\n"), options.allowDuplicateAttributes ?? false).root();
  } catch (e) {
    if (e instanceof HclScanError) throw new HclSyntaxError(e.message.replace(/^line \d+: /, ""), Number(/^line (\d+)/.exec(e.message)?.[1] ?? 0));
    throw e;
  }
}

// ---------------------------------------------------------------- HCL syntax

type Tok = { t: string; text: string; line: number };

const isLetter = (c: string) => /[A-Za-z_]/.test(c) || (c >= "\u0080" && /\p{L}/u.test(c));
const isDigit = (c: string) => /[0-9]/.test(c) || (c >= "\u0080" && /\p{Nd}/u.test(c));
const isDecimal = (c: string) => c >= "0" && c <= "9";

class HclScanner {
  private pos = 0;
  private line = 1;
  constructor(private readonly src: string) {}

  private peek(o = 0): string {
    return this.src[this.pos + o] ?? "";
  }
  private next(): string {
    const c = this.src[this.pos++] ?? "";
    if (c === "\n") this.line++;
    if (c === "\u0000") throw new HclScanError(`line ${this.line}: unexpected null character (0x00)`);
    return c;
  }
  private fail(msg: string): never {
    throw new HclScanError(`line ${this.line}: ${msg}`);
  }

  scan(): Tok {
    for (;;) {
      while (/[ \t\n\r]/.test(this.peek()) && this.peek() !== "") this.next();
      const line = this.line;
      const start = this.pos;
      const c = this.next();
      if (c === "") return { t: "EOF", text: "", line };
      const text = () => this.src.slice(start, this.pos);
      if (isLetter(c)) {
        while (isLetter(this.peek()) || isDigit(this.peek()) || this.peek() === "-" || this.peek() === ".") this.next();
        const s = text();
        return { t: s === "true" || s === "false" ? "BOOL" : "IDENT", text: s, line };
      }
      if (isDecimal(c) || (c === "-" && isDecimal(this.peek()))) {
        if (c === "-") this.next();
        return { t: this.number(), text: text(), line };
      }
      switch (c) {
        case '"':
          this.string();
          return { t: "STRING", text: text(), line };
        case "#":
        case "/":
          this.comment(c);
          continue;
        case "<":
          this.heredoc();
          return { t: "HEREDOC", text: text(), line };
        case "[":
          return { t: "LBRACK", text: c, line };
        case "]":
          return { t: "RBRACK", text: c, line };
        case "{":
          return { t: "LBRACE", text: c, line };
        case "}":
          return { t: "RBRACE", text: c, line };
        case ",":
          return { t: "COMMA", text: c, line };
        case "=":
          return { t: "ASSIGN", text: c, line };
        case ".":
          if (isDecimal(this.peek())) {
            while (isDecimal(this.peek())) this.next();
            if (this.peek() === "e" || this.peek() === "E") this.next(); // hcl/scanner: after a leading '.', only the 'e' itself joins the token
            return { t: "FLOAT", text: text(), line };
          }
          return { t: "PERIOD", text: c, line };
        case "+":
          return { t: "ADD", text: c, line };
        case "-":
          return { t: "SUB", text: c, line };
        default:
          this.fail(`illegal char ${JSON.stringify(c)}`);
      }
    }
  }

  /** hcl/scanner scanExponent: after `e` and an optional sign the next character is taken whatever it is, then more digits. */
  private exponent(): boolean {
    if (this.peek() !== "e" && this.peek() !== "E") return false;
    this.next();
    if (this.peek() === "+" || this.peek() === "-") this.next();
    if (this.next() !== "" && isDecimal(this.src[this.pos - 1])) while (isDecimal(this.peek())) this.next();
    return true;
  }

  /** After the first digit (already consumed, and a leading '-'). */
  private number(): string {
    const prev = this.src[this.pos - 1];
    if (prev === "0" && (this.peek() === "x" || this.peek() === "X")) {
      this.next();
      if (!/[0-9a-fA-F]/.test(this.peek())) this.fail("illegal hexadecimal number");
      while (/[0-9a-fA-F]/.test(this.peek())) this.next();
      return "NUMBER";
    }
    while (isDecimal(this.peek())) this.next();
    if (this.exponent()) return "FLOAT";
    if (this.peek() === ".") {
      this.next();
      while (isDecimal(this.peek())) this.next();
      this.exponent();
      return "FLOAT";
    }
    return "NUMBER";
  }

  private comment(c: string): void {
    if (c === "#" || (c === "/" && this.peek() === "/")) {
      while (this.peek() !== "\n" && this.peek() !== "") this.next();
      return;
    }
    if (this.peek() !== "*") this.fail("expected '/' for comment");
    this.next();
    for (;;) {
      const d = this.next();
      if (d === "") this.fail("comment not terminated");
      if (d === "*" && this.peek() === "/") {
        this.next();
        return;
      }
    }
  }

  /** A quoted string: inside `${ ... }` quotes and newlines do not end it (HCL v1 interpolation). */
  private string(): void {
    let braces = 0;
    for (;;) {
      const c = this.next();
      if (c === "" || (c === "\n" && braces === 0)) this.fail("literal not terminated");
      if (c === '"' && braces === 0) return;
      if (braces === 0 && c === "$" && this.peek() === "{") {
        braces++;
        this.next();
      } else if (braces > 0 && c === "{") braces++;
      if (braces > 0 && c === "}") braces--;
      if (c === "\\") {
        const e = this.next();
        if (/[abfnrtv\\"]/.test(e)) continue;
        const digits = (re: RegExp, n: number) => {
          let i = 0;
          while (i < n && re.test(this.peek())) {
            this.next();
            i++;
          }
          if (i < n) this.fail("illegal char escape");
        };
        if (/[0-7]/.test(e)) digits(/[0-7]/, 2);
        else if (e === "x") digits(/[0-9a-fA-F]/, 2);
        else if (e === "u") digits(/[0-9a-fA-F]/, 4);
        else if (e === "U") digits(/[0-9a-fA-F]/, 8);
        else this.fail("illegal char escape");
      }
    }
  }

  private heredoc(): void {
    if (this.next() !== "<") this.fail("heredoc expected second '<', didn't see it");
    const start = this.pos;
    if (this.peek() === "-") this.next();
    while (isLetter(this.peek()) || isDigit(this.peek())) this.next();
    const anchor = this.src.slice(start, this.pos);
    if (this.peek() === "\r") this.next();
    if (this.peek() === "") this.fail("heredoc not terminated");
    if (this.next() !== "\n") this.fail("invalid characters in heredoc anchor");
    if (anchor === "" || anchor === "-") this.fail("zero-length heredoc anchor");
    const ident = anchor.replace(/^-/, "");
    for (;;) {
      const lineStart = this.pos;
      const end = this.src.indexOf("\n", lineStart);
      if (end < 0) this.fail("heredoc not terminated");
      const lineText = this.src.slice(lineStart, end);
      while (this.pos <= end) this.next();
      if (lineText.trim().replace(/\r*$/, "") === ident && /^\s*\S+\r*$/.test(lineText)) return;
    }
  }
}

/** HCL v1's string unquoting (hcl/strconv): Go escapes, `${...}` kept verbatim (JSON strings: Go's strconv.Unquote, no `${`). */
function unquoteHcl(text: string, line: number, interpolation = true): string {
  const s = text.slice(1, -1);
  let out = "";
  let braces = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (interpolation && braces === 0 && c === "$" && s[i + 1] === "{") {
      braces = 1;
      out += "${";
      i++;
      continue;
    }
    if (braces > 0) {
      if (c === "{") braces++;
      if (c === "}") braces--;
      out += c;
      continue;
    }
    if (c === "\n") throw new HclSyntaxError("literal not terminated", line);
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = s[++i];
    const simple: Record<string, string> = { a: "\u0007", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"' };
    if (e in simple) out += simple[e];
    else if (/[0-7]/.test(e)) {
      out += String.fromCharCode(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else {
      if (e !== "x" && e !== "u" && e !== "U") throw new HclSyntaxError("illegal char escape", line);
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      out += String.fromCodePoint(parseInt(s.slice(i + 1, i + 1 + n), 16));
      i += n;
    }
  }
  return out;
}

/**
 * A heredoc's value, cut as hashicorp/hcl `token.unindentHeredoc` cuts it:
 * the text after the first line minus a closing line the length of the
 * anchor; `<<-` removes the closing line's indentation from every line when
 * all lines have it.
 */
function heredocValue(text: string): string {
  const idx = text.indexOf("\n");
  if (text[2] !== "-") return text.slice(idx + 1, text.length - idx + 1);
  const lines = text.slice(idx + 1, text.length - idx + 2).split("\n");
  const prefix = lines[lines.length - 1];
  if (!lines.every((l) => l.startsWith(prefix))) return text.slice(idx + 1, text.length - idx + 1).replace(/[ \t]+$/, "");
  return lines.map((l, k) => (k === lines.length - 1 ? "" : l.slice(prefix.length))).join("\n");
}

function literal(tok: Tok): HclLiteral {
  switch (tok.t) {
    case "STRING":
      return { kind: "literal", type: "string", text: tok.text, value: unquoteHcl(tok.text, tok.line), line: tok.line };
    case "HEREDOC":
      return { kind: "literal", type: "heredoc", text: tok.text, value: heredocValue(tok.text), line: tok.line };
    case "BOOL":
      return { kind: "literal", type: "bool", text: tok.text, value: tok.text === "true", line: tok.line };
    case "FLOAT":
      return { kind: "literal", type: "float", text: tok.text, value: Number(tok.text), line: tok.line };
    default:
      return { kind: "literal", type: "number", text: tok.text, value: Number(tok.text), line: tok.line };
  }
}

class HclParser {
  private readonly sc: HclScanner;
  private tok: Tok = { t: "BOF", text: "", line: 1 };
  private back = false;
  constructor(
    src: string,
    private readonly allowDuplicates: boolean,
  ) {
    this.sc = new HclScanner(src);
  }
  private scan(): Tok {
    if (this.back) this.back = false;
    else this.tok = this.sc.scan();
    return this.tok;
  }
  private unscan(): void {
    this.back = true;
  }

  root(): HclObject {
    return { kind: "object", items: this.objectList(false), line: 1 };
  }

  private objectList(inBraces: boolean): HclItem[] {
    const items: HclItem[] = [];
    const assigned = new Set<string>();
    for (;;) {
      const peek = this.scan();
      this.unscan();
      if (inBraces && peek.t === "RBRACE") break;
      if (peek.t === "EOF") break;
      let item: HclItem & { assignedKey?: string };
      try {
        item = this.objectItem();
      } catch (e) {
        if (e === EOF_SIGNAL) break;
        throw e;
      }
      // hashicorp/hcl v1.0.1-vault-7 parser.go objectList: an `=` item's key, as written, may appear once per object
      if (item.assignedKey !== undefined && !this.allowDuplicates) {
        if (assigned.has(item.assignedKey)) {
          throw new HclSyntaxError(`The argument ${JSON.stringify(item.assignedKey)} at ${item.line} was already set. Each argument can only be defined once`, item.line);
        }
        assigned.add(item.assignedKey);
      }
      delete item.assignedKey;
      items.push(item);
      if (this.scan().t !== "COMMA") this.unscan();
    }
    return items;
  }

  private objectItem(): HclItem & { assignedKey?: string } {
    const keys: string[] = [];
    const raw: string[] = [];
    const line = this.scan().line;
    this.unscan();
    for (;;) {
      const tok = this.scan();
      if (tok.t === "IDENT" || tok.t === "STRING") {
        keys.push(tok.t === "IDENT" ? tok.text : unquoteHcl(tok.text, tok.line));
        raw.push(tok.text);
      }
      else if (tok.t === "ASSIGN") {
        if (keys.length === 0) throw new HclSyntaxError("no object keys found!", tok.line);
        if (keys.length > 1) throw new HclSyntaxError("nested object expected: LBRACE got: ASSIGN", tok.line);
        return { keys, val: this.value(), line, assignedKey: raw[0] };
      } else if (tok.t === "LBRACE") {
        if (keys.length === 0) throw new HclSyntaxError("expected: IDENT | STRING got: LBRACE", tok.line);
        return { keys, val: this.objectType(tok.line), line };
      } else if (tok.t === "EOF" || tok.t === "RBRACE") {
        this.tok = { ...tok, t: "EOF" }; // as hcl/parser objectItem does, so the error is not dropped
        throw new HclSyntaxError(`key '${keys.join(" ")}' expected start of object ('{') or assignment ('=')`, tok.line);
      } else throw new HclSyntaxError(`expected: IDENT | STRING | ASSIGN | LBRACE got: ${tok.t}`, tok.line);
    }
  }

  private value(): HclNode {
    const tok = this.scan();
    switch (tok.t) {
      case "NUMBER":
      case "FLOAT":
      case "BOOL":
      case "STRING":
      case "HEREDOC":
        return literal(tok);
      case "LBRACE":
        return this.objectType(tok.line);
      case "LBRACK":
        return this.listType(tok.line);
      case "EOF":
        throw EOF_SIGNAL;
      default:
        throw new HclSyntaxError(`Unknown token: ${tok.t} ${JSON.stringify(tok.text)}`, tok.line);
    }
  }

  private objectType(line: number): HclObject {
    const items = this.objectList(true);
    const close = this.scan();
    if (close.t !== "RBRACE") throw new HclSyntaxError(`object expected closing RBRACE got: ${close.t}`, close.line);
    return { kind: "object", items, line };
  }

  private listType(line: number): HclList {
    const elems: HclNode[] = [];
    let needComma = false;
    for (;;) {
      const tok = this.scan();
      if (needComma && tok.t !== "COMMA" && tok.t !== "RBRACK") throw new HclSyntaxError(`error parsing list, expected comma or list end, got: ${tok.t}`, tok.line);
      switch (tok.t) {
        case "BOOL":
        case "NUMBER":
        case "FLOAT":
        case "STRING":
        case "HEREDOC":
          elems.push(literal(tok));
          needComma = true;
          break;
        case "COMMA":
          needComma = false;
          break;
        case "LBRACE":
          elems.push(this.objectType(tok.line));
          needComma = true;
          break;
        case "LBRACK":
          elems.push(this.listType(tok.line)); // HCL v1 does not ask for a comma after a nested list
          break;
        case "RBRACK":
          return { kind: "list", elems, line };
        default:
          throw new HclSyntaxError(`unexpected token while parsing list: ${tok.t}`, tok.line);
      }
    }
  }
}

// ---------------------------------------------------------------- JSON syntax

/** hashicorp/hcl `json/scanner`: strings, numbers, true/false/null, punctuation; anything else is illegal. */
function jsonTokens(src: string): () => Tok {
  let pos = 0;
  let line = 1;
  const fail = (msg: string): never => {
    throw new HclScanError(`line ${line}: ${msg}`);
  };
  return () => {
    for (;;) {
      const c = src[pos];
      if (c === " " || c === "\t" || c === "\r" || c === "\n") {
        if (c === "\n") line++;
        pos++;
        continue;
      }
      break;
    }
    const start = pos;
    const c = src[pos];
    if (c === undefined) return { t: "EOF", text: "", line };
    const rest = src.slice(pos);
    let m: RegExpExecArray | null;
    if ((m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(rest))) {
      pos += m[0].length;
      if (m[0] === "true" || m[0] === "false") return { t: "BOOL", text: m[0], line };
      if (m[0] === "null") return { t: "NULL", text: m[0], line };
      return fail("illegal char");
    }
    if ((m = /^\.[0-9]+([eE][+-]?[0-9]+)?/.exec(rest))) {
      pos += m[0].length;
      return { t: "FLOAT", text: m[0], line };
    }
    if ((m = /^-?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?/.exec(rest))) {
      pos += m[0].length;
      return { t: m[1] !== undefined || m[2] !== undefined ? "FLOAT" : "NUMBER", text: m[0], line };
    }
    if (c === '"') {
      m = /^"(?:[^"\\\n]|\\.)*"/.exec(rest);
      if (!m) return fail("literal not terminated");
      pos += m[0].length;
      return { t: "STRING", text: m[0], line };
    }
    pos++;
    const punct: Record<string, string> = { "[": "LBRACK", "]": "RBRACK", "{": "LBRACE", "}": "RBRACE", ",": "COMMA", ":": "COLON", ".": "PERIOD" };
    if (punct[c]) return { t: punct[c], text: src.slice(start, pos), line };
    return fail(`illegal char: ${c}`);
  };
}

function jsonString(tok: Tok): string {
  try {
    return JSON.parse(tok.text) as string;
  } catch {
    return unquoteHcl(tok.text, tok.line, false); // Go escapes JSON lacks (\a, \v, \x41, \101)
  }
}

/**
 * hashicorp/hcl `json/parser/parser.go`, grammar for grammar, leniencies
 * included (so what Vault accepts is accepted): members need no closing `}`
 * (any token that is not a comma ends an object), text after the top-level
 * object is ignored, lists skip booleans and `[`, need no commas, and
 * `"a" "b": v` is one item with two keys.
 */
class JsonParser {
  private tok: Tok = { t: "BOF", text: "", line: 1 };
  private readonly next: () => Tok;
  constructor(src: string) {
    this.next = jsonTokens(src);
  }
  private scan(): Tok {
    this.tok = this.next();
    return this.tok;
  }

  root(): HclObject {
    const tok = this.scan();
    if (tok.t !== "LBRACE") throw new HclSyntaxError(`Expected object, got unknown token: ${tok.t}`, tok.line);
    return this.objectType(tok.line);
  }

  private objectType(line: number): HclObject {
    const items: HclItem[] = [];
    try {
      this.members(items);
    } catch (e) {
      // json/parser objectType: an error raised while the current token is `}` ends the object instead
      if (e instanceof HclScanError || e === EOF_SIGNAL || this.tok.t !== "RBRACE") throw e;
    }
    return { kind: "object", items, line };
  }

  private members(items: HclItem[]): void {
    for (;;) {
      const keys: string[] = [];
      let tok = this.scan();
      while (tok.t === "STRING") {
        keys.push(jsonString(tok));
        tok = this.scan();
      }
      if (tok.t === "EOF") break; // an unterminated object ends the document
      if (tok.t !== "COLON" || keys.length === 0) {
        if (tok.t === "RBRACE") break; // `{}`, or `{"a": 1, }`
        throw new HclSyntaxError(`expected: STRING got: ${tok.t}`, tok.line);
      }
      const val = this.value();
      if (val === undefined) break;
      items.push({ keys, val, line: tok.line });
      if (this.scan().t !== "COMMA") break;
    }
  }

  private value(): HclNode | undefined {
    const tok = this.scan();
    switch (tok.t) {
      case "NUMBER":
      case "FLOAT":
        return { kind: "literal", type: tok.t === "NUMBER" ? "number" : "float", text: tok.text, value: Number(tok.text), line: tok.line };
      case "BOOL":
        return { kind: "literal", type: "bool", text: tok.text, value: tok.text === "true", line: tok.line };
      case "NULL":
        return { kind: "literal", type: "string", text: "", value: "", line: tok.line }; // hashicorp/hcl reads JSON null as ""
      case "STRING":
        return { kind: "literal", type: "string", text: tok.text, value: jsonString(tok), line: tok.line };
      case "LBRACE":
        return this.objectType(tok.line);
      case "LBRACK":
        return this.listType(tok.line);
      case "EOF":
        return undefined;
      default:
        throw new HclSyntaxError(`Expected object value, got unknown token: ${tok.t}`, tok.line);
    }
  }

  private listType(line: number): HclList {
    const elems: HclNode[] = [];
    for (;;) {
      const tok = this.scan();
      switch (tok.t) {
        case "NUMBER":
        case "FLOAT":
          elems.push({ kind: "literal", type: tok.t === "NUMBER" ? "number" : "float", text: tok.text, value: Number(tok.text), line: tok.line });
          break;
        case "STRING":
          elems.push({ kind: "literal", type: "string", text: tok.text, value: jsonString(tok), line: tok.line });
          break;
        case "LBRACE":
          elems.push(this.objectType(tok.line));
          break;
        case "COMMA":
        case "BOOL":
        case "LBRACK":
          break;
        case "RBRACK":
          return { kind: "list", elems, line };
        default:
          throw new HclSyntaxError(`unexpected token while parsing list: ${tok.t}`, tok.line);
      }
    }
  }
}

function parseJson(src: string): HclObject {
  return flatten(new JsonParser(src).root());
}

/**
 * hashicorp/hcl `json/parser/flatten.go`: an item whose value is an object
 * whose members are all objects becomes one item per member, with the
 * member's key appended (repeatedly); an item whose value is a non-empty
 * list of objects becomes one item per object. Applied to every object.
 */
function flatten(obj: HclObject): HclObject {
  const out: HclItem[] = [];
  const visit = (item: HclItem): void => {
    const v = item.val;
    if (v.kind === "object" && v.items.length > 0 && v.items.every((s) => s.val.kind === "object")) {
      for (const s of v.items) visit({ keys: [...item.keys, ...s.keys], val: s.val, line: item.line });
      return;
    }
    if (v.kind === "list" && v.elems.length > 0 && v.elems.every((e) => e.kind === "object")) {
      for (const e of v.elems) visit({ ...item, val: e });
      return;
    }
    out.push({ ...item, val: deep(v) });
  };
  const deep = (n: HclNode): HclNode => (n.kind === "object" ? flatten(n) : n.kind === "list" ? { ...n, elems: n.elems.map(deep) } : n);
  for (const item of obj.items) visit(item);
  return { ...obj, items: out };
}
