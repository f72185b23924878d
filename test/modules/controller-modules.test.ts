import { describe, expect, it } from 'vitest';
import assertModule from '../../src/modules/assert.js';
import debug from '../../src/modules/debug.js';
import fail from '../../src/modules/fail.js';
import meta from '../../src/modules/meta.js';
import ping from '../../src/modules/ping.js';
import setFact from '../../src/modules/set-fact.js';
import { runModule } from './harness.js';

const vars = { n: 3, name: 'web', list: [1, 2], out: { rc: 0, stdout: 'ok' } };

describe('modules that run on the controller', () => {
  it.each([
    [debug, { msg: 'hello' }, { changed: false, msg: 'hello' }],
    [debug, {}, { msg: 'Hello world!' }],
    [debug, { var: 'out.stdout' }, { 'out.stdout': 'ok' }],
    [debug, { var: 'list | length' }, { 'list | length': 2 }],
    [debug, { var: 'missing' }, { missing: 'VARIABLE IS NOT DEFINED!' }],
    [setFact, { a: 1, b: [1, 2] }, { changed: false, facts: { a: 1, b: [1, 2] } }],
    [assertModule, { that: ['n > 2', "name == 'web'"] }, { changed: false, msg: 'All assertions passed' }],
    [assertModule, { that: 'n > 5', fail_msg: 'too small' }, { failed: true, msg: 'too small', assertion: 'n > 5' }],
    [assertModule, { that: ['n > 2', 'list | length == 3'] }, { failed: true, assertion: 'list | length == 3', msg: 'Assertion failed' }],
    [fail, { msg: 'stop' }, { failed: true, msg: 'stop' }],
    [fail, {}, { failed: true, msg: 'Failed as requested from task' }],
    [meta, { action: 'flush_handlers' }, { changed: false, meta: 'flush_handlers' }],
    [ping, {}, { changed: false, ping: 'pong' }],
    [ping, { data: 'crash' }, { failed: true }],
  ] as const)('%#: %j', async (def, args, expected) => {
    const r = await runModule(def as typeof debug, args, { vars });
    expect(r).toMatchObject(expected);
  });

  it.each([
    [debug, { msg: 'a', var: 'b' }, /mutually exclusive/],
    [setFact, { 'not valid': 1 }, /valid variable name/],
    [meta, { action: 'reboot' }, /action/],
    [assertModule, { that: 'x', nope: 1 }, /nope|unrecognized/i],
  ] as const)('bad arguments: %#', async (def, args, msg) => {
    const r = await runModule(def as typeof debug, args, { vars });
    expect(r.failed).toBe(true);
    expect(String(r.msg)).toMatch(msg);
  });

  it('assert cannot reach code through its conditions', async () => {
    const r = await runModule(assertModule, { that: "name.constructor.constructor('return 1')() == 1" }, { vars });
    expect(r.failed).toBe(true);
  });
});
