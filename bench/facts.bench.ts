// Fact gathering on N lab hosts: the same playbook (gather facts, then one task that reads them)
// by tsplay and by ansible-playbook against the same hosts, in one run.
//   npm run bench        (BENCH_HOSTS, default 20; BENCH_RUNS, default 3)
import { afterAll, beforeAll, it } from 'vitest';
import { labUnavailableReason } from '../test/lab/lab.js';
import { startBenchLab, type BenchLab } from './kit.js';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const unavailable = labUnavailableReason();

const PLAYBOOK = `- hosts: all
  gather_facts: true
  tasks:
    - debug:
        msg: "{{ ansible_distribution }} {{ ansible_distribution_version }} {{ ansible_memtotal_mb }}"
`;

let bench: BenchLab | undefined;
beforeAll(async () => {
  if (!unavailable) bench = await startBenchLab(HOSTS, 70);
});
afterAll(async () => bench?.down());

it.skipIf(unavailable)(`gather facts on ${HOSTS} lab hosts: tsplay vs ansible-playbook`, () => {
  bench!.compare('gather facts', PLAYBOOK, RUNS);
});
