import { quote } from './quote.js';
import type { BecomeSpec } from './types.js';

/** Marker printed by sudo's prompt so the password is only sent when sudo asks for it. */
export const BECOME_PROMPT = '[tsplay-become-password]';

/**
 * Wraps a shell command so it runs as another user. Without a password, `sudo -n` fails fast
 * instead of hanging on a prompt. The password never appears in argv: it is written to stdin.
 */
export function wrapBecome(command: string, become: BecomeSpec): string {
  if (become.method === 'su') {
    return `su ${quote(become.user)} -s /bin/sh -c ${quote(command)}`;
  }
  const auth = become.password ? `-S -p ${quote(BECOME_PROMPT)}` : '-n';
  return `sudo ${auth} -H -u ${quote(become.user)} /bin/sh -c ${quote(command)}`;
}
