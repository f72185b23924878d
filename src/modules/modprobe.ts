import { z } from 'zod';
import { argv } from '../connection/quote.js';
import {
  listingScript, MODPROBE_DIR, MODULES_LOAD_DIR, moduleLoaded, parseListing, planPersistence, type FileTexts,
} from './lib/modprobe-files.js';
import { shlexSplit } from './lib/shlex.js';
import { applySystemChange, planFile, systemPlan, type HostCommand, type SystemChange } from './lib/system-change.js';
import { readHost, type HostRead } from './lib/system-inspect.js';
import type { ProbedState } from './lib/remote-fs.js';
import { defineModule } from './types.js';

const args = z
  .object({
    name: z.string().trim().regex(/^[A-Za-z0-9_-]+$/, 'a kernel module name (letters, digits, - and _)'),
    state: z.enum(['present', 'absent']).default('present'),
    params: z.string().default(''),
    persistent: z.enum(['disabled', 'present', 'absent']).default('disabled'),
  })
  .strict();

export type ModprobeArgs = z.infer<typeof args>;

export interface ModprobeState extends Pick<HostRead, 'umask' | 'user'> {
  loaded: boolean;
  loadFiles: FileTexts;
  optionFiles: FileTexts;
}

/**
 * community.general.modprobe: `modprobe NAME PARAMS` / `modprobe -r NAME`, and with persistent
 * the files in /etc/modules-load.d and /etc/modprobe.d. A module counts as loaded when
 * /proc/modules lists it, modules.builtin names it, or /sys/module has it (kernels built without
 * module support have no /proc/modules, where Ansible fails).
 */
export default defineModule<ModprobeArgs, ModprobeState, SystemChange>({
  name: 'modprobe',
  args,
  async inspect(ctx, a) {
    const persistent = a.persistent !== 'disabled';
    const read = await readHost(ctx, {
      commands: {
        procmodules: 'cat /proc/modules',
        builtin: 'cat "/lib/modules/$(uname -r)/modules.builtin"',
        sysmodule: `[ -d ${argv([`/sys/module/${a.name.replace(/-/g, '_')}`])} ]`,
        loadfiles: persistent ? listingScript(MODULES_LOAD_DIR) : 'true',
        optionfiles: persistent ? listingScript(MODPROBE_DIR) : 'true',
      },
    });
    const c = read.commands;
    return {
      umask: read.umask, user: read.user,
      loaded: moduleLoaded(a.name, {
        procModules: c.procmodules.rc === 0 ? c.procmodules.stdout : undefined,
        builtin: c.builtin.rc === 0 ? c.builtin.stdout : undefined,
        sysModule: c.sysmodule.rc === 0,
      }),
      loadFiles: parseListing(c.loadfiles.stdout),
      optionFiles: parseListing(c.optionfiles.stdout),
    };
  },
  plan(a, current, pctx) {
    const commands: HostCommand[] = [];
    if (a.state === 'present' && !current.loaded) commands.push({ argv: ['modprobe', a.name, ...shlexSplit(a.params)], what: `Failed to load ${a.name}` });
    if (a.state === 'absent' && current.loaded) commands.push({ argv: ['modprobe', '-r', a.name], what: `Failed to unload ${a.name}` });
    const files: Record<string, ProbedState> = {};
    for (const [path, text] of Object.entries({ ...current.loadFiles, ...current.optionFiles })) {
      files[path] = { path, exists: true, type: 'file', content: Buffer.from(text) };
    }
    const persistence = a.persistent === 'disabled' ? { files: {} } : planPersistence(a.name, a.params, a.persistent, current.loadFiles, current.optionFiles);
    const parts = Object.entries(persistence.files).map(([path, text]) => planFile({ files, umask: current.umask, user: current.user }, path, text, pctx));
    return systemPlan(parts, commands, { name: a.name, params: a.params, state: a.state });
  },
  apply: (ctx, _a, plan) => applySystemChange(ctx, plan.data!),
});
