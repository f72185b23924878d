// The controller half of gathering, with a scripted stand-in for the host's shell (a test double:
// the real script runs on lab hosts in test/integration/facts.test.ts): one `sh -s` with the
// script on stdin, gather_timeout, a failing shell; and the play keywords that feed it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecBinaryResult } from '../../src/connection/types.js';
import { gatherFactsTask, GATHERING_FACTS } from '../../src/facts/gather-task.js';
import { gatherFacts, GatherTimeout, type RunOnHost } from '../../src/facts/gather.js';
import { factsScript } from '../../src/facts/script.js';
import { resolveSubset } from '../../src/facts/subset.js';
import { loadPlaybook } from '../../src/playbook/load.js';

const answer = (stdout: string, rc = 0, stderr = ''): ExecBinaryResult => ({ rc, stdout, stderr, stdoutBytes: Buffer.from(stdout) });

describe('gatherFacts', () => {
  it('sends the script for the subset on stdin to `sh -s`, once, and parses the answer', async () => {
    const calls: { command: readonly string[]; stdin: string }[] = [];
    const run: RunOnHost = async (command, o) => {
      calls.push({ command, stdin: o.stdin });
      return answer('@@tsplay@@ kv\nnodename=db1.example.com\nkernel=6.1.0\n');
    };
    const subset = resolveSubset(['!all', '!min', 'platform']);
    const facts = await gatherFacts(run, subset, 10);
    expect(calls).toEqual([{ command: ['sh', '-s'], stdin: factsScript(subset) }]);
    expect(facts).toMatchObject({ ansible_hostname: 'db1', ansible_nodename: 'db1.example.com', ansible_kernel: '6.1.0' });
  });

  it('gives up after gather_timeout seconds', async () => {
    const never: RunOnHost = () => new Promise(() => {});
    const t0 = Date.now();
    await expect(gatherFacts(never, resolveSubset(['min']), 0.2)).rejects.toThrow(GatherTimeout);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a shell that fails is an error with its message', async () => {
    const broken: RunOnHost = async () => answer('', 127, 'sh: not found');
    await expect(gatherFacts(broken, resolveSubset(['min']), 10)).rejects.toThrow(/rc=127.*sh: not found/);
  });
});

describe('the play keywords of fact gathering', () => {
  const load = async (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-facts-play-'));
    try {
      writeFileSync(join(dir, 'site.yml'), yaml);
      return await loadPlaybook(join(dir, 'site.yml'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('gather_subset (list or comma string) and gather_timeout reach the implicit task', async () => {
    const pb = await load('- hosts: all\n  gather_subset: "!hardware,network"\n  gather_timeout: 30\n  tasks: []\n- hosts: all\n  gather_subset: [min]\n  tags: [web]\n  tasks: []\n');
    const [a, b] = pb.plays;
    expect(a).toMatchObject({ gatherFacts: true, gatherSubset: ['!hardware', 'network'], gatherTimeout: 30 });
    expect(gatherFactsTask(a)).toMatchObject({ name: GATHERING_FACTS, module: 'setup', args: { gather_subset: ['!hardware', 'network'], gather_timeout: 30 }, tags: ['always'] });
    // a tagged play's gathering carries the play's tags instead of always, as in Ansible
    expect(gatherFactsTask(b)).toMatchObject({ args: { gather_subset: ['min'] }, tags: ['web'] });
  });

  it('gather_facts: false, and no keywords: the defaults', async () => {
    const pb = await load('- hosts: all\n  gather_facts: false\n  tasks: []\n- hosts: all\n  tasks: []\n');
    expect(pb.plays[0].gatherFacts).toBe(false);
    expect(pb.plays[1]).toMatchObject({ gatherFacts: true });
    expect(gatherFactsTask(pb.plays[1]).args).toEqual({});
  });

  it('fact_path on a play is reported as not supported; a bad gather_timeout is an error', async () => {
    await expect(load('- hosts: all\n  fact_path: /etc/facts\n  tasks: []\n')).rejects.toThrow(/fact_path/);
    await expect(load('- hosts: all\n  gather_timeout: soon\n  tasks: []\n')).rejects.toThrow(/gather_timeout expects a number/);
  });
});
