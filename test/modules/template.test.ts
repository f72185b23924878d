import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import template from '../../src/modules/template.js';
import { runModule, snapshot, tempDir } from './harness.js';

/**
 * A stand-in for the Handlebars renderer (another module's job): replaces {{name}} with vars,
 * throws on unknown names like a strict renderer. The module only has to call ctx.render.
 */
function renderWith(vars: Record<string, string>) {
  return (text: string) =>
    text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => {
      if (!(k in vars)) throw new Error(`"${k}" not defined`);
      return vars[k];
    });
}

describe('template: arguments', () => {
  const invalid: [string, Record<string, unknown>][] = [
    ['no src', { dest: '/x' }],
    ['no dest', { src: 'a.j2' }],
    ['content (copy only)', { src: 'a', dest: '/x', content: 'y' }],
    ['jinja-only options', { src: 'a', dest: '/x', trim_blocks: true }],
    ['bad newline_sequence', { src: 'a', dest: '/x', newline_sequence: '\t' }],
    ['state', { src: 'a', dest: '/x', state: 'present' }],
  ];
  test.each(invalid)('rejects %s', (_n, args) => expect(template.args.safeParse(args).success).toBe(false));

  test.each(['\n', '\r\n', '\\r\\n', '\\n', '\r'])('accepts newline_sequence %j', (seq) => {
    expect(template.args.safeParse({ src: 'a', dest: '/x', newline_sequence: seq }).success).toBe(true);
  });
});

describe('template: real runs on this machine', () => {
  let t: { dir: string; cleanup: () => void };
  let pb: string;
  beforeEach(() => {
    t = tempDir();
    pb = join(t.dir, 'pb');
    mkdirSync(join(pb, 'templates'), { recursive: true });
    writeFileSync(join(pb, 'templates/app.conf.j2'), 'name={{ name }}\nport={{port}}\n');
  });
  afterEach(() => t.cleanup());
  const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
  const opts = (extra: Record<string, unknown> = {}) => ({ dir: pb, render: renderWith({ name: 'web', port: '8080' }), ...extra });

  test('renders, writes once, then ok; a changed variable changes the file', async () => {
    const dest = join(t.dir, 'app.conf');
    const first = await runModule(template, { src: 'app.conf.j2', dest, mode: '0640' }, opts());
    expect(first).toMatchObject({ changed: true, dest, mode: '0640', state: 'file' });
    expect(readFileSync(dest, 'utf8')).toBe('name=web\nport=8080\n');
    expect(mode(dest)).toBe('0640');
    expect((await runModule(template, { src: 'app.conf.j2', dest, mode: '0640' }, opts())).changed).toBe(false);
    const third = await runModule(template, { src: 'app.conf.j2', dest, mode: '0640' }, { ...opts(), diff: true, render: renderWith({ name: 'api', port: '8080' }) });
    expect(third.changed).toBe(true);
    expect(third.diff).toEqual([{ before: 'name=web\nport=8080\n', after: 'name=api\nport=8080\n', beforeHeader: dest, afterHeader: join(pb, 'templates/app.conf.j2') }]);
    expect(readFileSync(dest, 'utf8')).toBe('name=api\nport=8080\n');
  });

  test('newline_sequence rewrites the template\'s line breaks, not the values', async () => {
    writeFileSync(join(pb, 'templates/crlf.j2'), 'a\r\nb={{ name }}\n');
    const lf = join(t.dir, 'lf');
    await runModule(template, { src: 'crlf.j2', dest: lf }, opts());
    expect(readFileSync(lf, 'utf8')).toBe('a\nb=web\n');
    const crlf = join(t.dir, 'crlf');
    await runModule(template, { src: 'crlf.j2', dest: crlf, newline_sequence: '\\r\\n' }, opts({ render: renderWith({ name: 'x\ny' }) }));
    expect(readFileSync(crlf, 'utf8')).toBe('a\r\nb=x\ny\r\n');
  });

  test('a directory dest gets the template\'s file name; mode preserve keeps its mode', async () => {
    chmodSync(join(pb, 'templates/app.conf.j2'), 0o750);
    mkdirSync(join(t.dir, 'etc'));
    const r = await runModule(template, { src: 'app.conf.j2', dest: join(t.dir, 'etc'), mode: 'preserve' }, opts());
    expect(r).toMatchObject({ changed: true, dest: join(t.dir, 'etc/app.conf.j2'), mode: '0750' });
    expect(mode(join(t.dir, 'etc/app.conf.j2'))).toBe('0750');
    expect((await runModule(template, { src: 'app.conf.j2', dest: join(t.dir, 'etc'), mode: 'preserve' }, opts())).changed).toBe(false);
  });

  test('a missing template or a failing render fails the task and writes nothing', async () => {
    const missing = await runModule(template, { src: 'nope.j2', dest: join(t.dir, 'x') }, opts());
    expect(missing.failed).toBe(true);
    expect(missing.msg).toContain("Could not find or access 'nope.j2'");
    const bad = await runModule(template, { src: 'app.conf.j2', dest: join(t.dir, 'x') }, opts({ render: renderWith({}) }));
    expect(bad.failed).toBe(true);
    expect(bad.msg).toContain('"name" not defined');
    expect(readdirSync(t.dir)).toEqual(['pb']);
  });

  test('validate and backup work as for copy', async () => {
    const dest = join(t.dir, 'app.conf');
    writeFileSync(dest, 'old\n');
    const refused = await runModule(template, { src: 'app.conf.j2', dest, validate: 'grep -q port=9 %s' }, opts());
    expect(refused).toMatchObject({ failed: true, msg: 'failed to validate' });
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    const ok = await runModule(template, { src: 'app.conf.j2', dest, validate: 'grep -q port=8080 %s', backup: true }, opts());
    expect(ok.changed).toBe(true);
    expect(readFileSync(ok.backup_file as string, 'utf8')).toBe('old\n');
  });

  test('check mode shows the rendered diff and writes nothing', async () => {
    const dest = join(t.dir, 'app.conf');
    writeFileSync(dest, 'name=old\n');
    const before = snapshot(t.dir);
    const r = await runModule(template, { src: 'app.conf.j2', dest }, opts({ check: true, diff: true }));
    expect(r.changed).toBe(true);
    expect(r.diff).toMatchObject([{ before: 'name=old\n', after: 'name=web\nport=8080\n' }]);
    expect(snapshot(t.dir)).toEqual(before);
  });
});
