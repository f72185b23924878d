import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { defineModule } from './types.js';

const args = z.object({ data: z.string().default('pong') }).strict();

/** Proves the host answers commands: one round trip, echoing `data` back. */
export default defineModule({
  name: 'ping',
  args,
  async run(ctx, a) {
    if (a.data === 'crash') return { changed: false, failed: true, msg: 'boom' };
    const r = await ctx.run(argv(['printf', '%s', a.data]));
    if (r.rc !== 0 || r.stdout !== a.data) return { changed: false, failed: true, msg: `ping failed: ${r.stderr.trim()}` };
    return { changed: false, ping: r.stdout };
  },
});
