import { existsSync, readdirSync } from 'node:fs';
import { dirname, basename, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { TaskLoop } from '../playbook/types.js';
import { renderDeep, renderValue } from '../vars/template.js';
import type { Vars } from '../vars/types.js';
import { TsplayError } from '../errors.js';

/** Turns `loop` / `with_*` into the list of items, rendered against the task's variables. */
export function loopItems(loop: TaskLoop, vars: Vars, baseDir: string): unknown[] {
  const raw = typeof loop.items === 'string' ? renderValue(loop.items, vars) : renderDeep(loop.items, vars);
  switch (loop.kind) {
    case 'loop':
    case 'with_list':
      return asList(raw, loop.kind);
    case 'with_items':
      // with_items flattens one level, as Ansible does
      return asList(raw, loop.kind).flatMap((x) => (Array.isArray(x) ? x : [x]));
    case 'with_indexed_items':
      return asList(raw, loop.kind).flatMap((x) => (Array.isArray(x) ? x : [x])).map((x, i) => [i, x]);
    case 'with_dict':
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new TsplayError('with_dict expects a mapping');
      return Object.entries(raw).map(([key, value]) => ({ key, value }));
    case 'with_nested':
      return product(asList(raw, loop.kind).map((l) => asList(l, loop.kind)));
    case 'with_together': {
      const lists = asList(raw, loop.kind).map((l) => asList(l, loop.kind));
      const n = Math.max(0, ...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => l[i] ?? null));
    }
    case 'with_sequence':
      return sequence(String(raw));
    case 'with_fileglob':
      return asList(raw, loop.kind).flatMap((p) => fileGlob(resolve(baseDir, String(p))));
    case 'with_subelements': {
      const [list, key] = asList(raw, loop.kind);
      return asList(list, loop.kind).flatMap((el) => asList((el as Vars)[String(key)], loop.kind).map((sub) => [el, sub]));
    }
  }
}

function asList(v: unknown, kind: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  if (typeof v === 'string' && kind !== 'loop') return [v];
  throw new TsplayError(`${kind} expects a list, got ${typeof v === 'object' ? 'a mapping' : JSON.stringify(v)}`, {
    hint: 'for a mapping use `loop: "{{dict2items x}}"` or with_dict',
  });
}

function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((prefix) => l.map((x) => [...prefix, x])), [[]]);
}

/** with_sequence: "start=1 end=5 stride=1 format=node%02d" or "count=3" */
function sequence(spec: string): string[] {
  const kv = Object.fromEntries(spec.split(/\s+/).filter(Boolean).map((p) => p.split('=') as [string, string]));
  const start = Number(kv.start ?? 1);
  const stride = Number(kv.stride ?? 1);
  const end = kv.count !== undefined ? start + (Number(kv.count) - 1) * stride : Number(kv.end);
  const fmt = kv.format ?? '%d';
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    out.push(fmt.replace(/%(0?)(\d*)d/, (_, z: string, w: string) => String(i).padStart(Number(w || 0), z ? '0' : ' ')));
  }
  return out;
}

/** with_fileglob: files (not directories) matching a pattern in one directory, sorted. */
function fileGlob(pattern: string): string[] {
  const dir = dirname(pattern);
  if (!existsSync(dir)) return [];
  const match = picomatch(basename(pattern), { dot: false });
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && match(e.name))
    .map((e) => `${dir}/${e.name}`)
    .sort();
}
