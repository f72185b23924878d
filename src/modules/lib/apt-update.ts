import { argv } from '../../connection/quote.js';
import type { ModuleContext } from '../types.js';
import { updateCommand } from './apt-commands.js';
import { APT_ENV } from './apt-state.js';

export interface UpdateFailure {
  msg: string;
  stdout: string;
  stderr: string;
}

/**
 * `apt-get update` with Ansible's retries (update_cache_retries, exponential backoff capped at
 * update_cache_retry_max_delay). apt-get exits 0 even when a source could not be fetched; its
 * `W:`/`E:` "Failed to fetch" lines count as a failure, as python-apt's cache.update() does.
 */
export async function updateAptCache(ctx: ModuleContext, retries: number, maxDelay: number): Promise<UpdateFailure | undefined> {
  let last = { stdout: '', stderr: '' };
  for (let attempt = 0; attempt < retries; attempt++) {
    const r = await ctx.run(argv(updateCommand()), { env: APT_ENV });
    if (r.rc === 0 && !/^(E|W): Failed to fetch/m.test(r.stderr)) return undefined;
    last = { stdout: r.stdout, stderr: r.stderr };
    if (attempt + 1 < retries) await new Promise((res) => setTimeout(res, Math.min(2 ** attempt, maxDelay) * 1000));
  }
  return { msg: `Failed to update apt cache: ${last.stderr.trim() || 'unknown reason'}`, ...last };
}
