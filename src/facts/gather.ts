/**
 * One round trip per host: the script goes to `sh -s` on stdin (nothing is copied to the host),
 * its output comes back and is parsed on the controller.
 */
import type { ExecBinaryResult } from '../connection/types.js';
import type { Vars } from '../vars/types.js';
import { parseFacts } from './parse.js';
import { factsScript } from './script.js';
import type { Collector } from './subset.js';

export type RunOnHost = (command: readonly string[], opts: { stdin: string }) => Promise<ExecBinaryResult>;

export class GatherTimeout extends Error {}

export async function gatherFacts(run: RunOnHost, collectors: ReadonlySet<Collector>, timeoutSeconds: number): Promise<Vars> {
  const pending = run(['sh', '-s'], { stdin: factsScript(collectors) });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GatherTimeout(`Timeout gathering facts (gather_timeout=${timeoutSeconds})`)), timeoutSeconds * 1000);
  });
  try {
    const r = await Promise.race([pending, timeout]);
    if (r.rc !== 0) throw new Error(`fact gathering failed (rc=${r.rc}): ${r.stderr.trim() || r.stdout.trim()}`);
    return parseFacts(r.stdout, collectors);
  } finally {
    clearTimeout(timer);
  }
}
