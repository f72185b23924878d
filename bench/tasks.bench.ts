// DESIGN's measure of Ansible's slowness: 20 trivial tasks (files, lines, a command) on many hosts,
// the same playbook by tsplay and by ansible-playbook against the same lab hosts, in one run. The
// first run creates, the later ones find everything in place: both kinds of task are timed.
//   npm run bench        (BENCH_TASK_HOSTS, default 50; BENCH_RUNS, default 3)
import { afterAll, beforeAll, it } from 'vitest';
import { labUnavailableReason } from '../test/lab/lab.js';
import { startBenchLab, type BenchLab } from './kit.js';

const HOSTS = Number(process.env.BENCH_TASK_HOSTS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const unavailable = labUnavailableReason();

/** Template text both tools read alike: `{{ x }}` is a variable in Handlebars and in Jinja2. */
function playbook(): string {
  const tasks: string[] = [
    `    - file: { path: /srv/bench, state: directory, mode: "0755" }`,
  ];
  for (let i = 1; i <= 6; i++) tasks.push(`    - copy: { dest: /srv/bench/file${i}.conf, content: "name={{ inventory_hostname }} n=${i}\\n", mode: "0644" }`);
  for (let i = 1; i <= 6; i++) tasks.push(`    - lineinfile: { path: /srv/bench/file${i}.conf, line: "extra=${i}" }`);
  for (let i = 1; i <= 4; i++) tasks.push(`    - file: { path: /srv/bench/dir${i}, state: directory }`);
  tasks.push(`    - command: { cmd: "cat /srv/bench/file1.conf" }\n      changed_when: false`);
  tasks.push(`    - stat: { path: /srv/bench/file2.conf }\n      register: st`);
  tasks.push(`    - debug: { msg: "{{ st.stat.size }}" }`);
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join('\n')}\n`;
}

let one: BenchLab | undefined;
let many: BenchLab | undefined;
beforeAll(async () => {
  if (unavailable) return;
  one = await startBenchLab(1, 73);
  many = await startBenchLab(HOSTS, 71);
});
afterAll(async () => {
  await one?.down();
  await many?.down();
});

// one host: every round trip's latency counts
it.skipIf(unavailable)('20 trivial tasks on 1 lab host: tsplay vs ansible-playbook', () => {
  one!.compare('20 trivial tasks', playbook(), RUNS);
});

// many hosts: throughput (both tools share the machine's 2 cores with the hosts' sshd)
it.skipIf(unavailable)(`20 trivial tasks on ${HOSTS} lab hosts: tsplay vs ansible-playbook`, () => {
  many!.compare('20 trivial tasks', playbook(), RUNS);
});
