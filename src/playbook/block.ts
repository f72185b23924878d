import type { PlayState, Scope } from './context.js';
import { BLOCK_KEYWORDS } from './keywords.js';
import { childScope, readNodeFields, reportUnknownKeys, taskKeyHint } from './node-base.js';
import { parseTaskList } from './task-list.js';
import type { Block } from './types.js';
import { valuePosOf, type Mapping } from './yaml-source.js';

/**
 * A block with its rescue and always sections. Its keywords apply to every task inside: the
 * children's conditions start with the block's, their tags include the block's, and keywords such
 * as become or ignore_errors are copied down unless a child sets its own. Block vars stay on the
 * block (the executor layers them).
 */
export function parseBlock(map: Mapping, scope: Scope, play: PlayState): Block {
  const diag = play.load.diag;
  reportUnknownKeys(map, BLOCK_KEYWORDS, 'block', diag, (key) => taskKeyHint(key, 'block:'));
  const fields = readNodeFields(map, scope, BLOCK_KEYWORDS, diag);
  const inner = childScope(scope, fields);
  const section = (key: 'block' | 'rescue' | 'always') =>
    parseTaskList(map[key], valuePosOf(map, key), key, inner, play);
  return { kind: 'block', ...fields, block: section('block'), rescue: section('rescue'), always: section('always') };
}
