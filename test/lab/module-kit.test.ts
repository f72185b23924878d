// The module kit itself: it must notice a write, or "check mode writes nothing" would prove nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import lineinfile from '../../src/modules/lineinfile.js';
import { labUnavailableReason } from '../lab/lab.js';
import { applyTwice, startModuleLab, type ModuleLab } from '../lab/module-kit.js';

const unavailable = labUnavailableReason();
let kit: ModuleLab;
describe.skipIf(unavailable)(`the module kit${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => { kit = await startModuleLab(1, { subnet: 59, init: 'auto' }); }, 60_000);
  afterAll(async () => { await kit?.down(); });
  it('runs a module over SSH: check writes nothing, then changed, then ok; and it sees a real write', async () => {
    const r = await applyTwice(kit, 'lab1', lineinfile, { path: '/etc/tsplay-smoke', line: 'a=1', create: true });
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await kit.sh('lab1', 'cat /etc/tsplay-smoke')).toBe('a=1\n');
    const m = await kit.mark('lab1');
    await kit.sh('lab1', 'echo x > /etc/tsplay-smoke2');
    expect(await kit.changedSince('lab1', m)).toEqual(['/etc', '/etc/tsplay-smoke2']);
  });
});
