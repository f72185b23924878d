/**
 * The same tasks run by Ansible (ansible-playbook, when installed) and by tsplay's modules, each
 * twice, on identical scratch directories: status (changed/failed), failure message and the
 * resulting files (content, mode, link targets, link counts) must agree.
 */
import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import copy from '../../src/modules/copy.js';
import file from '../../src/modules/file.js';
import template from '../../src/modules/template.js';
import type { ModuleDef, ModuleResult } from '../../src/modules/types.js';
import { runModule, tempDir } from './harness.js';

const hasAnsible = (() => {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Our stdout callback: ansible-core alone has no JSON one (that is in the ansible.posix collection). */
const RESULTS_CALLBACK_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/ansible/callback_plugins');

type Task = [string, Record<string, unknown>];
/** name, shell setup (@D is the scenario's directory), tasks (each run twice) */
const SCENARIOS: [string, string, Task[]][] = [
  ["copy content new then same", "true", [["copy", {"content": "a\n", "dest": "@D/f"}]]],
  ["copy content symbolic mode", "true", [["copy", {"content": "a\n", "dest": "@D/f", "mode": "u+x,g-r"}]]],
  ["copy content numeric mode 420 onto 0600 file", "printf \"a\\n\" > @D/f; chmod 600 @D/f", [["copy", {"content": "a\n", "dest": "@D/f", "mode": 420}]]],
  ["copy existing keeps mode", "printf old > @D/f; chmod 640 @D/f", [["copy", {"content": "new\n", "dest": "@D/f"}]]],
  ["copy force no", "printf old > @D/f", [["copy", {"content": "new\n", "dest": "@D/f", "force": false}]]],
  ["copy into dir", "mkdir @D/d", [["copy", {"src": "script.sh", "dest": "@D/d"}]]],
  ["copy content into dir fails", "mkdir @D/d", [["copy", {"content": "x", "dest": "@D/d"}]]],
  ["copy preserve", "true", [["copy", {"src": "script.sh", "dest": "@D/s", "mode": "preserve"}]]],
  ["copy trailing slash creates dirs", "true", [["copy", {"src": "script.sh", "dest": "@D/a/b/", "directory_mode": "0700"}]]],
  ["copy missing parent fails", "true", [["copy", {"content": "x", "dest": "@D/nope/f"}]]],
  ["copy tree no slash", "true", [["copy", {"src": "tree", "dest": "@D/out"}]]],
  ["copy tree slash dirmode", "mkdir -p @D/out/sub; chmod 777 @D/out/sub", [["copy", {"src": "tree/", "dest": "@D/out", "directory_mode": "0750"}]]],
  ["copy tree mode", "true", [["copy", {"src": "tree/", "dest": "@D/out/", "mode": "0600"}]]],
  ["copy onto symlink", "printf \"a\\n\" > @D/t; ln -s t @D/l", [["copy", {"content": "a\n", "dest": "@D/l"}]]],
  ["copy onto symlink follow", "printf \"a\\n\" > @D/t; ln -s t @D/l", [["copy", {"content": "b\n", "dest": "@D/l", "follow": true}]]],
  ["copy remote_src", "printf \"r\\n\" > @D/src; chmod 700 @D/src", [["copy", {"src": "@D/src", "dest": "@D/dst", "remote_src": true}]]],
  ["copy remote_src dir", "mkdir -p @D/s/sub; printf 1 > @D/s/sub/one; chmod 751 @D/s/sub/one", [["copy", {"src": "@D/s", "dest": "@D/d", "remote_src": true}]]],
  ["copy validate fail", "printf keep > @D/f", [["copy", {"content": "bad", "dest": "@D/f", "validate": "grep -q good %s"}]]],
  ["copy binary", "true", [["copy", {"src": "bin.dat", "dest": "@D/b"}]]],
  ["template", "true", [["template", {"src": "t.j2", "dest": "@D/out", "mode": "0640"}]]],
  ["file dir create", "true", [["file", {"path": "@D/a/b/c", "state": "directory", "mode": "0700"}]]],
  ["file dir symbolic", "mkdir @D/a", [["file", {"path": "@D/a", "state": "directory", "mode": "g+w,o-rx"}]]],
  ["file recurse", "mkdir -p @D/a/b; touch @D/a/f @D/a/b/g; ln -s f @D/a/l", [["file", {"path": "@D/a", "state": "directory", "recurse": true, "mode": "u=rwX,g=rX,o="}]]],
  ["file state file absent", "true", [["file", {"path": "@D/nope", "state": "file"}]]],
  ["file state file on dir", "mkdir @D/d", [["file", {"path": "@D/d", "state": "file"}]]],
  ["file default state existing", "touch @D/f", [["file", {"path": "@D/f", "mode": "0600"}]]],
  ["file default absent", "true", [["file", {"path": "@D/f", "mode": "0600"}]]],
  ["file absent dir", "mkdir -p @D/d/e; touch @D/d/e/f", [["file", {"path": "@D/d", "state": "absent"}]]],
  ["file link new", "touch @D/t", [["file", {"src": "t", "dest": "@D/l", "state": "link"}]]],
  ["file link missing src", "true", [["file", {"src": "nope", "dest": "@D/l", "state": "link"}]]],
  ["file link missing src force", "true", [["file", {"src": "nope", "dest": "@D/l", "state": "link", "force": true}]]],
  ["file link retarget", "touch @D/t @D/u; ln -s t @D/l", [["file", {"src": "u", "dest": "@D/l", "state": "link"}]]],
  ["file link over file no force", "touch @D/t @D/f", [["file", {"src": "t", "dest": "@D/f", "state": "link"}]]],
  ["file link over file force", "touch @D/t @D/f", [["file", {"src": "t", "dest": "@D/f", "state": "link", "force": true}]]],
  ["file link mode follow", "touch @D/t; chmod 644 @D/t", [["file", {"src": "t", "dest": "@D/l", "state": "link", "mode": "0600"}]]],
  ["file hard", "printf h > @D/t", [["file", {"src": "@D/t", "dest": "@D/h", "state": "hard"}]]],
  ["file hard over file", "printf h > @D/t; printf o > @D/h", [["file", {"src": "@D/t", "dest": "@D/h", "state": "hard"}]]],
  ["file hard into dir", "printf h > @D/t; mkdir @D/d", [["file", {"src": "@D/t", "dest": "@D/d", "state": "hard"}]]],
  ["file touch existing", "touch @D/f", [["file", {"path": "@D/f", "state": "touch"}]]],
  ["file touch times", "touch @D/f", [["file", {"path": "@D/f", "state": "touch", "modification_time": "202001021530.00", "access_time": "preserve"}]]],
  ["file file times", "touch @D/f", [["file", {"path": "@D/f", "modification_time": "202001021530.00", "access_time": "202001021530.00"}]]],
  ["file recurse on file fails", "touch @D/f", [["file", {"path": "@D/f", "recurse": true, "mode": "0600"}]]],
  ["file dir on link follow", "mkdir @D/real; ln -s real @D/l", [["file", {"path": "@D/l", "state": "directory", "mode": "0700"}]]],
  ["file dir on link nofollow", "mkdir @D/real; ln -s real @D/l", [["file", {"path": "@D/l", "state": "directory", "follow": false}]]],
  ["file dir over file", "touch @D/f", [["file", {"path": "@D/f", "state": "directory"}]]],
  ["copy owner change", "printf \"a\\n\" > @D/f", [["copy", {"content": "a\n", "dest": "@D/f", "owner": "nobody", "group": "nogroup"}]]],
  ["copy new owner", "true", [["copy", {"content": "a\n", "dest": "@D/f", "owner": "nobody"}]]],
  ["file recurse owner", "mkdir -p @D/a/b; touch @D/a/f; ln -s f @D/a/l", [["file", {"path": "@D/a", "state": "directory", "recurse": true, "owner": "nobody"}]]],
  ["file group numeric", "touch @D/f", [["file", {"path": "@D/f", "group": "65534"}]]],
  ["copy dict content", "true", [["copy", {"content": {"a": 1, "b": [1, "x"], "c": "é"}, "dest": "@D/j"}]]],
  ["copy backup", "printf old > @D/f", [["copy", {"content": "new", "dest": "@D/f", "backup": true}]]],
  ["template newline crlf", "true", [["template", {"src": "crlf.j2", "dest": "@D/o", "newline_sequence": "\r\n"}]]],
  ["template default newline", "true", [["template", {"src": "crlf.j2", "dest": "@D/o"}]]],
  ["template into dir", "mkdir @D/d", [["template", {"src": "t.j2", "dest": "@D/d/"}]]],
  ["copy tree with links", "true", [["copy", {"src": "ltree", "dest": "@D/o/"}]]],
  ["copy tree with links nofollow", "true", [["copy", {"src": "ltree", "dest": "@D/o/", "local_follow": false}]]],
  ["file hard rerun same inode", "printf h > @D/t; ln @D/t @D/h", [["file", {"src": "@D/t", "dest": "@D/h", "state": "hard"}]]],
  ["file link nofollow owner", "touch @D/t; ln -s t @D/l", [["file", {"path": "@D/l", "state": "link", "src": "t", "follow": false, "owner": "nobody"}]]],
  ["file link follow owner", "touch @D/t; ln -s t @D/l", [["file", {"path": "@D/l", "state": "link", "src": "t", "owner": "nobody"}]]],
  ["file file on link follow", "touch @D/t; ln -s t @D/l", [["file", {"path": "@D/l", "state": "file", "mode": "0600"}]]],
  ["file link onto empty dir force", "mkdir @D/d; touch @D/t", [["file", {"path": "@D/d", "state": "link", "src": "t", "force": true}]]],
  ["file link onto full dir force", "mkdir @D/d; touch @D/d/x @D/t", [["file", {"path": "@D/d", "state": "link", "src": "t", "force": true}]]],
  ["file touch dir", "mkdir @D/d", [["file", {"path": "@D/d", "state": "touch"}]]],
  ["file touch mode", "true", [["file", {"path": "@D/f", "state": "touch", "mode": "0600"}]]],
  ["file absent missing", "true", [["file", {"path": "@D/f", "state": "absent"}]]],
  ["file setgid dir", "mkdir @D/d", [["file", {"path": "@D/d", "state": "directory", "mode": "02775"}]]],
  ["copy mode string 644", "true", [["copy", {"content": "x", "dest": "@D/f", "mode": "644"}]]],
  ["copy mode X", "true", [["copy", {"content": "x", "dest": "@D/f", "mode": "a+X"}]]],
  ["copy mode =", "true", [["copy", {"content": "x", "dest": "@D/f", "mode": "u=rw,g=r,o="}]]],
  ["file default link state", "touch @D/t; ln -s t @D/l", [["file", {"path": "@D/l", "mode": "0600"}]]],
  ["file link relative in dir", "mkdir -p @D/a; touch @D/a/t", [["file", {"path": "@D/a/l", "state": "link", "src": "t"}]]],
  ["copy remote_src same", "printf r > @D/s; printf r > @D/d", [["copy", {"src": "@D/s", "dest": "@D/d", "remote_src": true, "mode": "0600"}]]],
  ["copy remote_src preserve", "printf r > @D/s; chmod 750 @D/s", [["copy", {"src": "@D/s", "dest": "@D/d", "remote_src": true, "mode": "preserve"}]]],
  ["copy checksum mismatch", "true", [["copy", {"content": "x", "dest": "@D/f", "checksum": "0000000000000000000000000000000000000000"}]]],];

const MODULES: Record<string, ModuleDef> = { copy, file, template };

/** A scenario directory as text: what must agree (no times; backup names without Ansible's pid). */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = p.slice(dir.length).replace(/\.\d+\.\d{4}-\d\d-\d\d@[\d:]+~$/, '.BACKUP~');
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${rel}/ ${mode} ${st.uid}`);
        walk(p);
      } else out.push(`${rel} ${mode} ${st.uid}:${st.gid} links=${st.nlink} ${readFileSync(p).toString('base64')}`);
    }
  };
  walk(dir);
  return out;
}

const status = (r: { changed?: boolean; failed?: boolean; msg?: unknown }, base: string) =>
  `${r.changed ? 'changed' : 'ok'}${r.failed ? ` failed: ${String(r.msg).replaceAll(base, '@D')}` : ''}`;

describe.skipIf(!hasAnsible)('copy, template and file agree with Ansible', () => {
  let t: { dir: string; cleanup: () => void };
  let ansible: Record<string, unknown>[] = [];
  const subst = (v: unknown, d: string) => JSON.parse(JSON.stringify(v).replaceAll('@D', d));

  beforeAll(() => {
    t = tempDir('tsplay-parity-');
    const pb = t.dir;
    // the playbook's files/ and templates/
    mkdirSync(join(pb, 'files/tree/sub'), { recursive: true });
    mkdirSync(join(pb, 'files/tree/empty'));
    mkdirSync(join(pb, 'files/ltree'));
    mkdirSync(join(pb, 'templates'));
    writeFileSync(join(pb, 'files/tree/x'), 'x\n');
    writeFileSync(join(pb, 'files/tree/sub/y'), 'y\n');
    writeFileSync(join(pb, 'files/script.sh'), 'exec\n');
    chmodSync(join(pb, 'files/script.sh'), 0o755);
    writeFileSync(join(pb, 'files/bin.dat'), 'bin\0ary');
    writeFileSync(join(pb, 'files/ltree/z'), 'z\n');
    symlinkSync('z', join(pb, 'files/ltree/zl'));
    symlinkSync('/nonexistent', join(pb, 'files/ltree/dangle'));
    writeFileSync(join(pb, 'templates/t.j2'), 'hi {{ who }}\n');
    writeFileSync(join(pb, 'templates/crlf.j2'), 'line1\r\nline2 {{ who }}\n');

    const tasks: unknown[] = [];
    SCENARIOS.forEach(([, setup, list], i) => {
      for (const side of ['a', 'b']) {
        const d = join(pb, 'run', `${i}${side}`);
        mkdirSync(d, { recursive: true });
        execSync(setup.replaceAll('@D', d), { shell: '/bin/sh' });
      }
      for (let rep = 0; rep < 2; rep++) for (const [m, args] of list) tasks.push({ name: `${i}-${rep}`, [m]: subst(args, join(pb, 'run', `${i}a`)), ignore_errors: true, vars: { who: 'world' } });
    });
    writeFileSync(join(pb, 'pb.yml'), JSON.stringify([{ hosts: 'localhost', connection: 'local', gather_facts: false, tasks }]));
    let out: string;
    try {
      out = execFileSync('ansible-playbook', ['pb.yml'], { cwd: pb, env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'tsplay_results', ANSIBLE_CALLBACK_PLUGINS: RESULTS_CALLBACK_DIR, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOLOR: '1' }, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    } catch (e) {
      out = String((e as { stdout?: Buffer }).stdout ?? '');
    }
    const report = JSON.parse(out.slice(out.indexOf('{')));
    ansible = report.plays[0].tasks.map((x: { hosts: { localhost: Record<string, unknown> } }) => x.hosts.localhost);
  }, 300_000);
  afterAll(() => t?.cleanup());

  // Handlebars and Jinja agree on this much: {{ who }} is the variable
  const render = (text: string) => text.replaceAll('{{ who }}', 'world');

  test.each(SCENARIOS.map((s, i) => [i, ...s] as const))('%i %s', async (i, _name, _setup, list) => {
    const base = SCENARIOS.slice(0, i).reduce((n, [, , l]) => n + 2 * l.length, 0);
    const a = join(t.dir, 'run', `${i}a`);
    const b = join(t.dir, 'run', `${i}b`);
    let k = base;
    const theirs: string[] = [];
    const ours: string[] = [];
    for (let rep = 0; rep < 2; rep++) {
      for (const [m, args] of list) {
        theirs.push(status(ansible[k++] as ModuleResult, a));
        ours.push(status(await runModule(MODULES[m], subst(args, b), { dir: t.dir, render }), b));
      }
    }
    expect(ours).toEqual(theirs);
    expect(listing(b)).toEqual(listing(a));
  });
});
