import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import lineinfile from '../../src/modules/lineinfile.js';
import { labUnavailableReason } from '../lab/lab.js';
import { applyTwice, startModuleLab, type ModuleLab } from '../lab/module-kit.js';

const unavailable = labUnavailableReason();
let kit: ModuleLab;
describe.skipIf(unavailable)('module kit', () => {
  beforeAll(async () => { kit = await startModuleLab(1, { subnet: 59, init: 'auto' }); }, 60_000);
  afterAll(async () => { await kit?.down(); });
  it('check writes nothing; changed then ok', async () => {
    const r = await applyTwice(kit, 'lab1', lineinfile, { path: '/etc/tsplay-smoke', line: 'a=1', create: true });
    console.log(kit.lab.init, JSON.stringify(r, null, 1).slice(0, 1500));
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await kit.sh('lab1', 'cat /etc/tsplay-smoke')).toBe('a=1\n');
    const m = await kit.mark('lab1');
    await kit.sh('lab1', 'echo x > /etc/tsplay-smoke2');
    expect(await kit.changedSince('lab1', m)).toEqual(['/etc', '/etc/tsplay-smoke2']);
  });
});
