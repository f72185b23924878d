import { z } from 'zod';
import { executeModule } from './execute.js';
import apt from './apt.js';
import dnf from './dnf.js';
import { detectPkgMgr, type PkgMgr } from './lib/rpm-backend.js';
import { defineModule, type ModuleDef } from './types.js';
import yum from './yum.js';

const args = z
  .object({
    name: z.union([z.string(), z.array(z.coerce.string())]),
    state: z.string().min(1),
    use: z.enum(['auto', 'apt', 'dnf', 'yum']).default('auto'),
  })
  .strict();

export type PackageArgs = z.infer<typeof args>;

/** The module that does the work for a package manager (Ansible: the module named after ansible_pkg_mgr). */
export function packageBackend(mgr: PkgMgr): ModuleDef | undefined {
  return mgr === 'apt' ? apt : mgr === 'dnf' ? dnf : mgr === 'yum' ? yum : undefined;
}

/**
 * Installs or removes packages with whatever the host uses: the backend comes from `use`, the
 * ansible_pkg_mgr fact, or one command that looks; it gets only name and state, as in Ansible.
 * Runs the backend through the module contract, so its check mode and diff hold here too.
 */
export default defineModule<PackageArgs, never, never>({
  name: 'package',
  args,
  checkMode: 'run',
  async run(ctx, a) {
    const mgr: PkgMgr = a.use !== 'auto' ? a.use : await detectPkgMgr(ctx);
    const backend = packageBackend(mgr);
    if (!backend) return { changed: false, failed: true, msg: 'Could not detect which package manager to use. Try gathering facts or setting the "use" option.' };
    const parsed = backend.args.safeParse({ name: a.name, state: a.state });
    if (!parsed.success) {
      return { changed: false, failed: true, msg: `${backend.name}: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message).join('; ')}` };
    }
    return executeModule(backend, ctx, parsed.data);
  },
});
