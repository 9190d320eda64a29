/**
 * A small syntactic check of PromQL alert expressions (no Prometheus here):
 * balanced brackets outside strings, well-formed label matchers, range
 * selectors only inside rate/increase, known functions, and every metric
 * name from an allow-list. Returns the problems; empty means it passed.
 */
const FUNCTIONS = new Set(["rate", "increase", "sum", "max", "min", "avg", "count", "histogram_quantile", "absent", "time"]);
const KEYWORDS = new Set(["by", "without", "and", "or", "unless", "on", "ignoring", "bool"]);

export function promqlProblems(expr: string, knownMetrics: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  // 1. strings and brackets
  const stack: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  let stripped = "";
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === '"') {
      const end = expr.indexOf('"', i + 1);
      if (end < 0) return [`unterminated string at ${i}`];
      stripped += '""';
      i = end;
      continue;
    }
    if ("([{".includes(ch)) stack.push(ch);
    if (")]}".includes(ch) && stack.pop() !== pairs[ch]) return [`unbalanced "${ch}" at ${i}`];
    stripped += ch;
  }
  if (stack.length) return [`unclosed "${stack.join("")}"`];

  // 2. label matchers: name op "value", comma separated
  for (const m of expr.matchAll(/\{([^}]*)\}/g)) {
    for (const matcher of m[1].split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
      if (!/^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"[^"]*"\s*$/.test(matcher)) problems.push(`bad label matcher "${matcher}"`);
    }
  }
  // 3. range selectors only as the argument of rate/increase
  for (const m of stripped.matchAll(/\[([^\]]*)\]/g)) {
    if (!/^\d+[smhdw]$/.test(m[1])) problems.push(`bad range "[${m[1]}]"`);
  }
  for (const m of expr.matchAll(/(\w+)\s*\(\s*([a-z_:][a-z0-9_:]*)(\{[^}]*\})?\[/g)) {
    if (m[1] !== "rate" && m[1] !== "increase") problems.push(`range vector passed to ${m[1]}`);
  }
  // 4. identifiers: functions, keywords, label names in by(...), metrics
  const grouped = new Set<string>();
  for (const m of stripped.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) m[1].split(",").forEach((l) => grouped.add(l.trim()));
  const noLabels = stripped.replace(/\{[^}]*\}/g, "").replace(/\[[^\]]*\]/g, "");
  for (const m of noLabels.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const id = m[0];
    const next = noLabels.slice((m.index ?? 0) + id.length).trimStart();
    if (next.startsWith("(") || /^(by|without)\s*\(/.test(next)) {
      if (!FUNCTIONS.has(id) && !KEYWORDS.has(id)) problems.push(`unknown function ${id}`);
    } else if (!KEYWORDS.has(id) && !grouped.has(id) && !knownMetrics.has(id)) {
      problems.push(`unknown metric ${id}`);
    }
  }
  if (!/(==|!=|>=|<=|>|<)\s*[\d.]+\s*$/.test(expr)) problems.push("an alert expression should end in a comparison with a threshold");
  return problems;
}
