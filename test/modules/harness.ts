/**
 * Runs one module against this machine the way the executor does for one task and host:
 * parse the arguments, inspect -> plan -> (check ? record the effects in the overlay : apply),
 * or `run` for controller-side modules. Shared by the module tests.
 */
import { existsSync, mkdtempSync, readdirSync, lstatSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { LocalConnection } from '../../src/connection/local.js';
import type { Connection } from '../../src/connection/types.js';
import { executeModule } from '../../src/modules/execute.js';
import { makeModuleContext } from '../../src/exec/module-context.js';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../../src/modules/types.js';
import type { Vars } from '../../src/vars/types.js';

export interface RunModuleOptions {
  check?: boolean;
  diff?: boolean;
  /** the playbook directory: `findLocal` looks in DIR/files (or DIR/templates), then DIR */
  dir?: string;
  render?: ModuleContext['render'];
  findLocal?: ModuleContext['findLocal'];
  vars?: Vars;
  /** the host's check-mode overlay; pass the same one to chain check-mode tasks */
  overlay?: CheckOverlay;
  /** defaults to a LocalConnection */
  conn?: Connection;
  now?: Date;
}

/** What the executor would register for this task: ok/changed/failed with the module's fields. */
export async function runModule<A>(def: ModuleDef<A>, rawArgs: unknown, o: RunModuleOptions = {}): Promise<ModuleResult> {
  const parsed = def.args.safeParse(rawArgs);
  if (!parsed.success) {
    return { changed: false, failed: true, msg: `${def.name}: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message).join('; ')}` };
  }
  const args = parsed.data;
  const check = o.check ?? false;
  const diff = o.diff ?? false;
  const ctx = makeModuleContext({
    conn: o.conn ?? new LocalConnection('localhost'),
    host: 'localhost',
    check,
    diff,
    vars: o.vars ?? {},
    overlay: o.overlay,
    findLocal: o.findLocal ?? (o.dir ? localFinder(o.dir) : undefined),
    render: o.render,
  });
  try {
    return await executeModule(def, ctx, args, o.now);
  } catch (e) {
    return { changed: false, failed: true, msg: (e as Error).message };
  }
}

/** Ansible's search order, simplified: DIR/files/NAME (or templates/), then DIR/NAME. */
export function localFinder(dir: string): ModuleContext['findLocal'] {
  return (kind, name) => {
    if (isAbsolute(name)) return name;
    for (const candidate of [join(dir, kind, name), join(dir, name)]) if (existsSync(candidate)) return candidate;
    throw new Error(`Could not find or access '${name}' (searched ${join(dir, kind)}, ${dir})`);
  };
}

/** A fresh directory under the OS temp dir; `cleanup` removes it. */
export function tempDir(prefix = 'tsplay-mod-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every path below `dir` with its type, mode, size and link target: compare before/after to prove nothing was written. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.push(`${p} link ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${p} dir ${mode} ${st.mtimeMs}`);
        walk(p);
      } else out.push(`${p} file ${mode} ${st.size} ${st.mtimeMs} ${st.uid}:${st.gid}`);
    }
  };
  walk(dir);
  return out;
}
