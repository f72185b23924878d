import { groupNames, inventoryVars, type Inventory } from '../inventory/index.js';
import type { Block, Play, TaskNode } from '../playbook/types.js';
import type { Reporter, RunEvent } from '../report/events.js';
import { mergeLayers, type VarLayer } from '../vars/lazy-context.js';
import { renderValue } from '../vars/template.js';
import type { Vars } from '../vars/types.js';
import type { ConnectionPool } from './connection-pool.js';
import type { HostState } from './host-state.js';
import type { RunOptions } from './options.js';
import { loadVarsFiles } from './vars-files.js';

/** Ansible's `omit`: an argument whose value renders to this is dropped. */
export const OMIT = '__omit_place_holder__tsplay';

/** Shared by everything that runs one play: the inventory, the hosts' states, options, reporting. */
export class PlayContext {
  /** all hosts of the play (before failures), for ansible_play_hosts_all */
  playHosts: string[] = [];
  /** hosts of the current serial batch */
  batch: string[] = [];
  private readonly varsFilesByHost = new Map<string, Vars>();

  constructor(
    readonly inv: Inventory,
    readonly groups: Record<string, string[]>,
    readonly play: Play,
    readonly playbookDir: string,
    readonly hosts: Map<string, HostState>,
    readonly opts: RunOptions,
    private readonly reporter: Reporter,
    readonly pool: ConnectionPool,
  ) {}

  emit(e: RunEvent): void {
    this.reporter.on(e);
  }

  host(name: string): HostState {
    const hs = this.hosts.get(name);
    if (!hs) throw new Error(`internal: no state for host ${name}`);
    return hs;
  }

  /** The variables a task sees on a host, in Ansible's precedence order (lowest first). */
  taskVars(host: string, node: TaskNode | undefined, blocks: readonly Block[], extra?: Vars): Vars {
    const hs = this.host(host);
    const role = node?.role;
    const layers: VarLayer[] = [
      { vars: role?.defaults ?? {} },
      { vars: inventoryVars(this.inv, host) },
      { vars: hs.gathered, raw: true },
      { vars: this.play.vars },
      { vars: this.varsFiles(host) },
      { vars: role?.vars ?? {} },
      { vars: role?.params ?? {} },
      ...blocks.map((b) => ({ vars: b.vars })),
      { vars: node?.vars ?? {} },
      { vars: hs.facts, raw: true },
      { vars: hs.registered, raw: true },
      { vars: this.opts.extraVars },
      { vars: this.magicVars(host, role ? { name: role.name, path: role.path } : undefined), raw: true },
    ];
    if (extra) layers.push({ vars: extra, raw: true });
    return mergeLayers(layers);
  }

  /** Variables of another host as `hostvars[h]` shows them: inventory, facts, set_fact, register. */
  private hostVarsOf(host: string): Vars {
    const hs = this.hosts.get(host);
    return mergeLayers([
      { vars: inventoryVars(this.inv, host) },
      { vars: hs?.gathered ?? {}, raw: true },
      { vars: hs?.facts ?? {}, raw: true },
      { vars: hs?.registered ?? {}, raw: true },
      { vars: { inventory_hostname: host, inventory_hostname_short: host.split('.')[0], group_names: groupNames(this.inv, host) }, raw: true },
    ]);
  }

  private magicVars(host: string, role: { name: string; path: string } | undefined): Vars {
    const hostvars: Vars = {};
    for (const h of this.inv.hosts.keys()) {
      let cached: Vars | undefined;
      Object.defineProperty(hostvars, h, { enumerable: true, get: () => (cached ??= this.hostVarsOf(h)) });
    }
    const active = this.playHosts.filter((h) => this.hosts.get(h)?.active);
    return {
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      group_names: groupNames(this.inv, host),
      groups: this.groups,
      hostvars,
      ansible_play_hosts: active,
      ansible_play_hosts_all: this.playHosts,
      ansible_play_batch: this.batch.filter((h) => this.hosts.get(h)?.active),
      play_hosts: active,
      ansible_play_name: this.play.name,
      playbook_dir: this.playbookDir,
      ansible_check_mode: this.opts.check,
      ansible_diff_mode: this.opts.diff,
      ansible_verbosity: this.opts.verbosity,
      ansible_run_tags: this.opts.tags.only.length ? this.opts.tags.only : ['all'],
      ansible_skip_tags: this.opts.tags.skip,
      ansible_facts: this.host(host).gathered,
      omit: OMIT,
      ...(role ? { role_name: role.name, role_path: role.path } : {}),
    };
  }

  /** vars_files, rendered per host (their names may use inventory variables), loaded once per host. */
  private varsFiles(host: string): Vars {
    if (this.play.varsFiles.length === 0) return {};
    let v = this.varsFilesByHost.get(host);
    if (!v) {
      const base = mergeLayers([{ vars: inventoryVars(this.inv, host) }, { vars: this.play.vars }, { vars: this.opts.extraVars }, { vars: { inventory_hostname: host }, raw: true }]);
      v = loadVarsFiles(this.play.varsFiles, this.play.dir, (name) => String(renderValue(name, base)));
      this.varsFilesByHost.set(host, v);
    }
    return v;
  }
}
