/**
 * Remote commands are values built from parts: every user-supplied string goes through `quote`,
 * so `a b; rm -rf /` arrives as one argument.
 */
const SAFE = /^[A-Za-z0-9_\-./=:,+@%^]+$/;

/** POSIX single-quote one word. */
export function quote(word: string | number): string {
  const s = String(word);
  if (s !== '' && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** An argv array as one shell command line. */
export function argv(words: ReadonlyArray<string | number>): string {
  return words.map(quote).join(' ');
}

/** Joins already-built command parts with `&&`. */
export function and(...parts: string[]): string {
  return parts.filter(Boolean).join(' && ');
}

/** Environment assignments prefixed to a command: `env K=V ... cmd` with quoted values. */
export function withEnv(env: Record<string, string> | undefined, command: string): string {
  if (!env || Object.keys(env).length === 0) return command;
  const assigns = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name: ${k}`);
    return `${k}=${quote(v)}`;
  });
  return `export ${assigns.join(' ')}; ${command}`;
}
