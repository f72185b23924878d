/**
 * `serial` turns a play's hosts into batches: numbers, percentages ("30%"), or a list whose last
 * entry repeats. Pure.
 */
export function serialBatches(hosts: string[], serial: Array<number | string> | undefined): string[][] {
  if (!serial || serial.length === 0) return hosts.length ? [hosts] : [];
  const sizes = serial.map((s) => batchSize(s, hosts.length));
  const batches: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k++, sizes.length - 1)];
    batches.push(hosts.slice(i, i + size));
    i += size;
  }
  return batches;
}

function batchSize(s: number | string, total: number): number {
  if (typeof s === 'number') return s <= 0 ? total : Math.floor(s);
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(s);
  if (m) return Math.max(1, Math.floor((Number(m[1]) / 100) * total));
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`invalid serial value '${s}'`);
  return n <= 0 ? total : Math.floor(n);
}
