// Regression: a command that ends at once (its exit status, EOF and close in the same read as the
// exec's success) lost its exit status when the channel's listeners went on a microtask late; one
// such command in eight came back as 255. Many quick commands at once, over one connection, must
// all report their own status and output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUnavailableReason } from '../lab/lab.js';
import { startModuleLab, type ModuleLab } from '../lab/module-kit.js';

const unavailable = labUnavailableReason();

describe.skipIf(unavailable)('exit statuses of quick commands over SSH', () => {
  let kit: ModuleLab;
  beforeAll(async () => {
    kit = await startModuleLab(1, { subnet: 60 });
  }, 120_000);
  afterAll(async () => kit?.down(), 60_000);

  it('every one of 600 concurrent quick commands reports its own exit status and output', async () => {
    const c = await kit.conn('lab1');
    const seen = new Map<string, number>();
    for (let round = 0; round < 100; round++) {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => c.exec(i % 2 ? 'kill -TERM $$' : 'tr a-z A-Z; exit 3', { stdin: 'abc' })),
      );
      for (const r of results) seen.set(`${r.rc} ${r.stdout}`, (seen.get(`${r.rc} ${r.stdout}`) ?? 0) + 1);
    }
    expect(Object.fromEntries(seen)).toEqual({ '3 ABC': 300, '143 ': 300 });
  }, 120_000);
});
