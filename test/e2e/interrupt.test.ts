import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './cli.js';

/** Ctrl-C on a terminal signals the whole process group: tsplay stops after the running task, exit 99. */
describe('interrupted', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-int-'));
    writeFileSync(join(dir, 'inv.ini'), 'h1 ansible_connection=local\n');
    writeFileSync(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: started
      shell: touch ${dir}/started
    - name: long
      shell: sleep 30
      ignore_errors: true
    - name: after
      shell: touch ${dir}/after
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGINT to the process group: no further task, exit 99, quickly', async () => {
    const child = spawn(process.execPath, [BIN, 'run', join(dir, 'site.yml'), '-i', join(dir, 'inv.ini')], {
      detached: true, // its own process group, as a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    try {
      for (let i = 0; i < 200 && !existsSync(join(dir, 'started')); i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300)); // the long task is running now
      const t0 = Date.now();
      process.kill(-child.pid!, 'SIGINT');
      const code = await exited;
      expect(code, out).toBe(99);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(existsSync(join(dir, 'after'))).toBe(false);
      expect(out).toContain('interrupted');
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});
