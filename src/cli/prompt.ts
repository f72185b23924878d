import { UsageError } from '../errors.js';

/** Asks for a secret on the terminal; without a terminal that is a usage error, never a hang. */
export async function askSecret(message: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError(`${message.trim()} needs a terminal`, { hint: 'set ansible_become_password in the inventory instead' });
  // loaded only when a prompt is needed: importing inquirer (and rxjs) costs ~180 ms, a third of
  // the start-up time of every run
  const { default: inquirer } = await import('inquirer');
  const { secret } = await inquirer.prompt<{ secret: string }>([{ type: 'password', name: 'secret', message }]);
  return secret;
}
