import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { resolveMode, defaultMode, planAttrs, resultMode } from '../../src/modules/lib/file-attrs.js';
import { strptimeLocal, timesChange } from '../../src/modules/lib/file-times.js';
import { parseWalk } from '../../src/modules/lib/probe.js';
import { checkValidate, validateArgv } from '../../src/modules/lib/validate-command.js';

describe('validate commands', () => {
  // run the built command line through a real sh with $t set, printing each argument on its own line
  const words = (validate: string) =>
    execFileSync('/bin/sh', ['-c', `t='/tmp/x y'; set -- ${validateArgv(validate)}; for w in "$@"; do printf '%s|' "$w"; done`]).toString();
  const rows: [string, string][] = [
    ['visudo -cf %s', 'visudo|-cf|/tmp/x y|'],
    ["nginx -t -c '%s'", 'nginx|-t|-c|/tmp/x y|'],
    ['check --file=%s.conf', 'check|--file=/tmp/x y.conf|'],
    ['echo 100%% %s', 'echo|100%|/tmp/x y|'],
    ['echo "a b;rm -rf /" $(id) %s', 'echo|a b;rm -rf /|$(id)|/tmp/x y|'],
  ];
  test.each(rows)('%s', (validate, expected) => expect(words(validate)).toBe(expected));
  test('needs %s', () => {
    expect(checkValidate('visudo -c')).toBe('validate must contain %s: visudo -c');
    expect(checkValidate('echo 100%%s')).toBeDefined();
    expect(checkValidate('x %s')).toBeUndefined();
  });
});

describe('modes', () => {
  const rows: [string | undefined, string, boolean, string][] = [
    [undefined, '0640', false, '0640'],
    ['0600', '0644', false, '0600'],
    ['u+x', '0644', false, '0744'],
    ['a+X', '0644', false, '0644'],
    ['a+X', '0644', true, '0755'],
    ['u=rw,g=r,o=', '0777', false, '0640'],
    ['g+s', '0755', true, '2755'],
  ];
  test.each(rows)('%s on %s (dir %s) -> %s', (mode, base, isDir, expected) => expect(resolveMode(mode, base, isDir)).toBe(expected));
  test('umask defaults and result formatting', () => {
    expect(defaultMode(0o022, false)).toBe('0644');
    expect(defaultMode(0o027, true)).toBe('0750');
    expect(resultMode('2775')).toBe('02775');
    expect(resultMode('0644')).toBe('0644');
  });
  test('planAttrs compares names and numeric ids', () => {
    const cur = { path: '/f', exists: true, type: 'file' as const, mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0 };
    expect(planAttrs({ owner: '0', group: 'root', mode: '0644' }, cur)).toBeUndefined();
    expect(planAttrs({ owner: 'www' }, cur)).toMatchObject({ owner: 'www', before: { owner: 'root' } });
    expect(planAttrs({ mode: '0600' }, { ...cur, type: 'link' })).toBeUndefined();
  });
});

describe('times', () => {
  const rows: [string, string, string | undefined][] = [
    ['202001021530.00', '%Y%m%d%H%M.%S', '2020-01-02 15:30:00'],
    ['2020-01-02 03:04', '%Y-%m-%d %H:%M', '2020-01-02 03:04:00'],
    ['99/12/31', '%y/%m/%d', '1999-12-31 00:00:00'],
    ['2020010215', '%Y%m%d%H%M.%S', undefined],
    ['202013011200.00', '%Y%m%d%H%M.%S', undefined],
  ];
  test.each(rows)('%s as %s', (value, format, expected) => {
    const r = strptimeLocal(value, format);
    if (expected === undefined) expect(r).toHaveProperty('error');
    else expect(r).toEqual({ local: expected });
  });
  test('what changes', () => {
    expect(timesChange({ kind: 'preserve' }, { kind: 'preserve' }, {})).toBe(false);
    expect(timesChange({ kind: 'now' }, { kind: 'preserve' }, { mtime: 1 })).toBe(true);
    expect(timesChange({ kind: 'at', epoch: 5 }, { kind: 'preserve' }, { mtime: 5, atime: 1 })).toBe(false);
    expect(timesChange({ kind: 'at', epoch: 5 }, { kind: 'at', epoch: 5 }, { mtime: 5, atime: 1 })).toBe(true);
  });
});

test('parseWalk keeps paths with separators intact', () => {
  const out = 'f|644|root|root|0|0|10.5|11.25|/a/b|c\0d|755|www|adm|33|4|1|2|/a/d\0';
  expect(parseWalk(out)).toEqual([
    { path: '/a/b|c', exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0, mtime: 10.5, atime: 11.25 },
    { path: '/a/d', exists: true, type: 'directory', mode: '0755', owner: 'www', group: 'adm', uid: 33, gid: 4, mtime: 1, atime: 2 },
  ]);
});
