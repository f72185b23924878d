import { z } from 'zod';
import { defineModule } from './types.js';

const args = z.object({ msg: z.unknown().default('Failed as requested from task') }).strict();

/** Fails the host with a message (usually under `when`). */
export default defineModule({
  name: 'fail',
  args,
  run(_ctx, a) {
    return { changed: false, failed: true, msg: a.msg };
  },
});
