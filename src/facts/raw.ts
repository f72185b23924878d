/**
 * The gathering script's output, split into its sections. The script prints `@@tsplay@@ NAME`
 * lines, each followed by the raw text of one file or command; `kv` sections hold `key=value`
 * lines. A section name may appear more than once (each collector adds its own `kv` lines).
 */
export const SECTION_MARK = '@@tsplay@@ ';

export interface RawFacts {
  /** `key=value` lines of every kv section (the last value of a key wins) */
  kv: Record<string, string>;
  /** every other section's text, concatenated when a name repeats */
  sections: Record<string, string>;
}

export function splitSections(output: string): RawFacts {
  const raw: RawFacts = { kv: {}, sections: {} };
  // the environment comes last and may hold any text: everything after its mark is its content
  const envAt = output.indexOf(`\n${SECTION_MARK}env0\n`);
  const envText = envAt >= 0 ? output.slice(envAt + SECTION_MARK.length + 6) : undefined;
  const body = envAt >= 0 ? output.slice(0, envAt + 1) : output;
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name === undefined) return;
    // the script adds one newline after each file so the next mark starts a line: drop it
    const text = lines.join('\n').replace(/\n$/, '');
    if (name === 'kv') {
      for (const line of text.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) raw.kv[line.slice(0, eq)] = line.slice(eq + 1);
      }
    } else {
      raw.sections[name] = name in raw.sections ? `${raw.sections[name]}\n${text}` : text;
    }
  };
  for (const line of body.split('\n')) {
    if (line.startsWith(SECTION_MARK)) {
      flush();
      name = line.slice(SECTION_MARK.length).trim();
      lines = [];
    } else if (name !== undefined) lines.push(line);
  }
  flush();
  if (envText !== undefined) raw.sections.env0 = envText;
  return raw;
}

/** A file the script copied, by its path (`@@tsplay@@ file /etc/os-release`). */
export function fileSection(raw: RawFacts, path: string): string | undefined {
  return raw.sections[`file ${path}`];
}
