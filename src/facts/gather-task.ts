/**
 * The implicit "Gathering Facts" task Ansible puts before a play's tasks when gather_facts is
 * on: the setup module with the play's gather_subset / gather_timeout, tagged `always` unless the
 * play has tags of its own (then it carries them, as in Ansible).
 */
import type { Play, Task } from '../playbook/types.js';

export const GATHERING_FACTS = 'Gathering Facts';

export function gatherFactsTask(play: Play): Task {
  const args: Record<string, unknown> = {};
  if (play.gatherSubset !== undefined) args.gather_subset = play.gatherSubset;
  if (play.gatherTimeout !== undefined) args.gather_timeout = play.gatherTimeout;
  return {
    kind: 'task',
    pos: play.pos,
    name: GATHERING_FACTS,
    module: 'setup',
    args,
    argPos: {},
    when: [],
    tags: play.tags.length ? play.tags : ['always'],
    vars: {},
    notify: [],
  };
}
