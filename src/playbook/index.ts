export { loadPlaybook, type LoadPlaybookOptions } from './load.js';
export { loadIncludeRoleAtRuntime, loadIncludeTasksAtRuntime } from './includes.js';
export { findLocalFile, localFileCandidates } from './local-files.js';
export { parseYaml, readYaml, posOf, keyPosOf, valuePosOf, itemPosOf, posAtPath, located, type Located } from './yaml-source.js';
export { parseKeyValues, parseFreeForm, splitWords } from './kv-args.js';
export type * from './types.js';
