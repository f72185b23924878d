/**
 * Small modules with real zod schemas for the playbook loader tests, so the tests do not depend on
 * the exact schemas of the production modules (registered under the same names, they replace them).
 */
import { z } from 'zod';
import { registerModules } from '../../src/modules/registry.js';
import { defineModule, type ModuleDef } from '../../src/modules/types.js';

const noop = () => ({ changed: false });

export const TEST_MODULES: ModuleDef[] = [
  defineModule({ name: 'debug', args: z.object({ msg: z.unknown().optional(), var: z.string().optional(), verbosity: z.number().int().optional() }).strict(), run: noop }),
  defineModule({
    name: 'copy',
    args: z.object({
      src: z.string().optional(),
      dest: z.string(),
      content: z.string().optional(),
      remote_src: z.boolean().default(false),
      backup: z.boolean().default(false),
      mode: z.union([z.string(), z.number()]).optional(),
    }).strict(),
    run: noop,
  }),
  defineModule({ name: 'template', args: z.object({ src: z.string(), dest: z.string(), mode: z.union([z.string(), z.number()]).optional() }).strict(), run: noop }),
  defineModule({
    name: 'command',
    freeForm: 'cmd',
    // wrapped like real schemas are: key checking must look through preprocess and refine
    args: z.preprocess((v) => v, z.object({ cmd: z.string().optional(), argv: z.array(z.string()).optional(), chdir: z.string().optional(), creates: z.string().optional(), removes: z.string().optional() })
      .strict()
      .refine((a) => (a.cmd === undefined) !== (a.argv === undefined), { message: 'give exactly one of cmd and argv' })),
    run: noop,
  }),
  defineModule({ name: 'shell', freeForm: 'cmd', args: z.object({ cmd: z.string(), chdir: z.string().optional(), executable: z.string().optional() }).strict(), run: noop }),
  defineModule({ name: 'assert', args: z.object({ that: z.union([z.string(), z.array(z.string())]), fail_msg: z.string().optional() }).strict(), run: noop }),
  defineModule({ name: 'service', args: z.object({ name: z.string(), state: z.enum(['started', 'stopped', 'restarted', 'reloaded']).optional(), enabled: z.boolean().optional() }).strict(), run: noop }),
  defineModule({ name: 'set_fact', args: z.record(z.string(), z.unknown()), run: noop }),
  defineModule({ name: 'meta', freeForm: 'action', args: z.object({ action: z.enum(['flush_handlers', 'noop', 'end_play', 'end_host']) }).strict(), run: noop }),
  defineModule({ name: 'ping', args: z.object({ data: z.string().default('pong') }).strict(), run: noop }),
];

export function registerTestModules(): void {
  registerModules(TEST_MODULES);
}
