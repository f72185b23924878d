import { describe, expect, test } from 'vitest';
import { activeSwaps, commentOutSwap, fstabSwapSources, uncommentSwap } from '../../src/modules/lib/fstab-swap.js';
import swap, { type SwapState } from '../../src/modules/swap.js';
import { applyScripted, hostRead, plannedCommands, plannedWrites } from './system-doubles.js';

const FSTAB = 'UUID=1 / ext4 errors=remount-ro 0 1\nUUID=2 none swap sw 0 0\n/swap\\040file none swap sw 0 0\n# old: /dev/sdb1 none swap sw 0 0\n';
const OFF = 'UUID=1 / ext4 errors=remount-ro 0 1\n# UUID=2 none swap sw 0 0\n# /swap\\040file none swap sw 0 0\n# old: /dev/sdb1 none swap sw 0 0\n';
const PROC_SWAPS = (...areas: string[]) => `Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n${areas.map((a) => `${a}\tpartition\t1048572\t\t0\t\t-2\n`).join('')}`;

const state = (fstab: string | undefined, procSwaps: string, f = '/etc/fstab'): SwapState => ({ ...hostRead({ [f]: fstab }), active: activeSwaps(procSwaps) });
const plan = (args: Record<string, unknown>, s: SwapState) => swap.plan!(swap.args.parse(args), s, { diff: true, now: new Date(0) });

describe('swap: fstab and /proc/swaps', () => {
  test('parsing', () => {
    expect(activeSwaps(PROC_SWAPS('/dev/sda2', '/swap\\040file'))).toEqual(['/dev/sda2', '/swap file']);
    expect(activeSwaps(PROC_SWAPS())).toEqual([]);
    expect(fstabSwapSources(FSTAB)).toEqual(['UUID=2', '/swap file']);
  });
  test('comment out and back', () => {
    expect(commentOutSwap(FSTAB)).toEqual({ text: OFF, changed: true });
    expect(commentOutSwap(OFF).changed).toBe(false);
    // the admin's note "# old: ..." is not a swap entry and stays commented
    expect(uncommentSwap(OFF)).toEqual({ text: FSTAB, changed: true });
  });
});

describe('swap: plan (/proc/swaps contents -> exact commands)', () => {
  const rows: { name: string; args: Record<string, unknown>; s: SwapState; commands: string[]; writes: Record<string, string> }[] = [
    { name: 'two areas on: swapoff each, comment out', args: {}, s: state(FSTAB, PROC_SWAPS('/dev/sda2', '/swap\\040file')), commands: ['swapoff /dev/sda2', "swapoff '/swap file'"], writes: { '/etc/fstab': OFF } },
    { name: 'off now, fstab still on', args: { state: 'off' }, s: state(FSTAB, PROC_SWAPS()), commands: [], writes: { '/etc/fstab': OFF } },
    { name: 'on now, fstab already off', args: { state: 'absent' }, s: state(OFF, PROC_SWAPS('/dev/dm-1')), commands: ['swapoff /dev/dm-1'], writes: {} },
    { name: 'all off: ok', args: {}, s: state(OFF, PROC_SWAPS()), commands: [], writes: {} },
    { name: 'no fstab: swapoff only', args: {}, s: state(undefined, PROC_SWAPS('/swapfile')), commands: ['swapoff /swapfile'], writes: {} },
    { name: 'present: uncomment and swapon -a', args: { state: 'on' }, s: state(OFF, PROC_SWAPS()), commands: ['swapon -a'], writes: { '/etc/fstab': FSTAB } },
    { name: 'present, fstab on, swap in use: ok', args: { state: 'present' }, s: state(FSTAB, PROC_SWAPS('/dev/sda2')), commands: [], writes: {} },
    { name: 'present with another fstab: swapon each source', args: { state: 'present', fstab: '/tmp/fstab' }, s: state(FSTAB, PROC_SWAPS(), '/tmp/fstab'), commands: ['swapon UUID=2', "swapon '/swap file'"], writes: {} },
  ];
  test.each(rows)('$name', (row) => {
    const p = plan(row.args, row.s);
    expect(plannedCommands(p)).toEqual(row.commands);
    expect(plannedWrites(p)).toEqual(row.writes);
    expect(p.changed).toBe(row.commands.length + Object.keys(row.writes).length > 0);
  });

  test('apply: a failing swapoff stops the task', async () => {
    const { result, sent } = await applyScripted(swap, {}, state(OFF, PROC_SWAPS('/dev/sda2', '/dev/sdb2')), [{ when: 'swapoff /dev/sda2', rc: 255, stderr: 'swapoff: /dev/sda2: swapoff failed: Cannot allocate memory\n' }]);
    expect(sent).toEqual(['swapoff /dev/sda2']);
    expect(result).toMatchObject({ failed: true, msg: 'Failed to turn off swap on /dev/sda2: swapoff: /dev/sda2: swapoff failed: Cannot allocate memory' });
  });
});
