import { limitHosts, selectHosts, type Inventory } from '../inventory/index.js';
import { renderText } from '../vars/template.js';
import type { Vars } from '../vars/types.js';

/**
 * The hosts a play runs on: its pattern (which may use extra vars, e.g. `hosts: "{{target}}"`)
 * intersected with --limit. `localhost` works without being in the inventory, as in Ansible.
 */
export function playHosts(inv: Inventory, pattern: string, limit: string | undefined, extraVars: Vars): string[] {
  const rendered = pattern.includes('{{') ? renderText(pattern, extraVars) : pattern;
  let hosts = selectHosts(inv, rendered);
  if (hosts.length === 0 && rendered.split(/[,:]/).map((s) => s.trim()).includes('localhost')) {
    ensureImplicitLocalhost(inv);
    hosts = ['localhost'];
  }
  return limit ? limitHosts(inv, hosts, limit) : hosts;
}

/** Ansible's implicit localhost: connection local, not a member of `all`. */
export function ensureImplicitLocalhost(inv: Inventory): void {
  if (!inv.hosts.has('localhost')) {
    inv.hosts.set('localhost', { name: 'localhost', vars: { ansible_connection: 'local' } } as never);
  }
}
