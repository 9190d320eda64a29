/**
 * How the GitHub Actions runner reads `$GITHUB_ENV` after a step: a model of actions/runner
 * src/Runner.Worker/FileCommandManager.cs SetEnvFileCommand.ProcessCommand (Linux: lines end at
 * "\n"). A non-empty line is `NAME=VALUE` when its first `=` comes before any `<<`, else
 * `NAME<<DELIMITER`, whose value is every following line up to the first line equal to DELIMITER
 * (the newline before it excluded). Later assignments of a name win. A missing delimiter or an
 * empty name is an error (the step fails).
 */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  const lines = text.split("\n");
  // A trailing "\n" leaves an empty last element: ReadLine returns null there, not "".
  if (lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const eq = line.indexOf("=");
    const here = line.indexOf("<<");
    if (eq >= 0 && (here < 0 || eq < here)) {
      env[line.slice(0, eq)] = line.slice(eq + 1);
    } else if (here >= 0) {
      const name = line.slice(0, here);
      const delimiter = line.slice(here + 2);
      if (name === "" || delimiter === "") throw new Error(`Invalid environment variable format '${line}'`);
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++]);
      if (i >= lines.length) throw new Error(`Matching delimiter not found '${delimiter}'`);
      env[name] = value.join("\n");
    } else {
      throw new Error(`Invalid environment variable format '${line}'`);
    }
  }
  return env;
}
