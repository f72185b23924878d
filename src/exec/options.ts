import type { ConnectionSettings } from '../connection/ssh-settings.js';
import type { TagFilter } from '../plan/tags.js';
import type { Vars } from '../vars/types.js';

/** What the command line decided for this run. */
export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  limit?: string;
  tags: TagFilter;
  extraVars: Vars;
  startAtTask?: string;
  /** -u: default remote user */
  user?: string;
  /** -b / --become-user / --become-method / become password */
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  becomePassword?: string;
  forceHandlers: boolean;
  verbosity: number;
  /** --private-key, -k, --timeout, --ssh-common-args ...: how to connect (see ConnectionSettings) */
  connection?: ConnectionSettings;
  /** aborted on SIGINT / SIGTERM: no new task starts */
  signal?: AbortSignal;
}
