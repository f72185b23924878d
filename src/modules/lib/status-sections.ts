/**
 * Inspect scripts that run several probes in one round trip end each probe with a marker line
 * carrying its label and exit status; this splits such output back into the probes' results.
 */
export interface ProbeOutput {
  rc: number;
  out: string;
}

/** Shell text that ends the previous probe's section: `printf '\n<mark><label>:%s\n' "$?"`. */
export function endSection(mark: string, label: string): string {
  return `printf '\\n${mark}${label}:%s\\n' "$?"`;
}

export function splitStatusSections(stdout: string, mark: string): Map<string, ProbeOutput> {
  const sections = new Map<string, ProbeOutput>();
  let buf: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = line.startsWith(mark) ? /^([a-z.-]+):(\d+)$/.exec(line.slice(mark.length)) : null;
    if (!m) {
      buf.push(line);
      continue;
    }
    // the marker's leading newline ends the section's last line
    if (buf.length && buf[buf.length - 1] === '') buf.pop();
    sections.set(m[1], { rc: Number(m[2]), out: buf.join('\n') });
    buf = [];
  }
  return sections;
}
