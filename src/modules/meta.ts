import { z } from 'zod';
import { defineModule } from './types.js';

export const META_ACTIONS = ['flush_handlers', 'end_play', 'end_host', 'end_batch', 'noop', 'clear_facts', 'clear_host_errors'] as const;

const args = z.object({ action: z.enum(META_ACTIONS) }).strict();

/** Controls the run itself; the executor acts on the returned `meta`. */
export default defineModule({
  name: 'meta',
  args,
  freeForm: 'action',
  run(_ctx, a) {
    return { changed: false, meta: a.action };
  },
});
