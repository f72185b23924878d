import { describe, expect, it } from 'vitest';
import group from '../../src/modules/group.js';
import { planGroup, type GroupArgs } from '../../src/modules/lib/group-plan.js';
import { parseGroupLine } from '../../src/modules/lib/user-getent.js';

const args = (extra: Record<string, unknown> = {}): GroupArgs => group.args.parse({ name: 'web', ...extra });
const entry = (line: string) => parseGroupLine(line)!;

describe('group: plan (getent line + args -> command)', () => {
  const rows: { name: string; args: GroupArgs; line?: string; changed: boolean; command?: string[] }[] = [
    { name: 'absent group is created', args: args(), changed: true, command: ['groupadd', 'web'] },
    { name: 'with gid, non_unique and system', args: args({ gid: 500, non_unique: true, system: 'yes' }), changed: true, command: ['groupadd', '-g', '500', '-o', '-r', 'web'] },
    { name: 'present, no gid asked: ok', args: args(), line: 'web:x:1001:alice', changed: false },
    { name: 'present with the same gid: ok', args: args({ gid: 1001 }), line: 'web:x:1001:', changed: false },
    { name: 'gid differs: groupmod', args: args({ gid: '1002' }), line: 'web:x:1001:', changed: true, command: ['groupmod', '-g', '1002', 'web'] },
    { name: 'absent wanted, present: groupdel', args: args({ state: 'absent' }), line: 'web:x:1001:', changed: true, command: ['groupdel', 'web'] },
    { name: 'absent wanted with force', args: args({ state: 'absent', force: true }), line: 'web:x:1001:', changed: true, command: ['groupdel', '-f', 'web'] },
    { name: 'absent wanted, absent: ok', args: args({ state: 'absent' }), changed: false },
  ];
  it.each(rows)('$name', (row) => {
    const p = planGroup(row.args, { entry: row.line ? entry(row.line) : undefined });
    expect(p.changed).toBe(row.changed);
    expect(p.command).toEqual(row.command);
  });

  it('the plan reports name, state, gid and system as Ansible', () => {
    const p = group.plan!(args({ gid: 1001 }), { entry: entry('web:x:1001:') }, { diff: false, now: new Date() });
    expect(p.result).toEqual({ name: 'web', state: 'present', system: false, gid: 1001 });
  });

  it('refuses what it cannot do honestly', () => {
    expect(group.args.safeParse({ name: 'web', non_unique: true }).success).toBe(false);
    expect(group.args.safeParse({ name: 'web', local: true }).success).toBe(false);
    expect(group.args.safeParse({ name: 'we:b' }).success).toBe(false);
    expect(group.args.safeParse({ name: 'web', bogus: 1 }).success).toBe(false);
  });
});
