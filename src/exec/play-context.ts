import { groupNames, inventoryVars, type Inventory } from '../inventory/index.js';
import { unprefixed } from '../facts/parse.js';
import type { Block, Play, RoleInstance, TaskNode } from '../playbook/types.js';
import type { Reporter, RunEvent } from '../report/events.js';
import { mergeLayers, type VarLayer } from '../vars/lazy-context.js';
import { renderValue } from '../vars/template.js';
import type { Vars } from '../vars/types.js';
import type { ConnectionPool } from './connection-pool.js';
import type { HostState } from './host-state.js';
import type { RunOptions } from './options.js';
import { StartAtTask } from './start-at.js';
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
  private readonly inventoryVarsByHost = new Map<string, Vars>();

  constructor(
    readonly inv: Inventory,
    readonly groups: Record<string, string[]>,
    readonly play: Play,
    readonly playbookDir: string,
    readonly hosts: Map<string, HostState>,
    readonly opts: RunOptions,
    private readonly reporter: Reporter,
    readonly pool: ConnectionPool,
    /** --start-at-task, shared by every play of the run */
    readonly startAt: StartAtTask = new StartAtTask(opts.startAtTask),
  ) {
    this.roleLayers = playRoleLayers(play);
  }

  private readonly roleLayers: { defaults: Vars; vars: Vars };

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
      // as in Ansible, every role's defaults and vars are visible to the whole play; the task's own role wins
      { vars: this.roleLayers.defaults },
      { vars: role?.defaults ?? {} },
      { vars: this.invVars(host) },
      { vars: hs.gathered, raw: true },
      { vars: this.play.vars },
      { vars: this.varsFiles(host) },
      { vars: this.roleLayers.vars },
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

  /** The inventory's variables of a host; the inventory does not change during a run. */
  invVars(host: string): Vars {
    let v = this.inventoryVarsByHost.get(host);
    if (!v) {
      v = this.inv.hosts.has(host) ? inventoryVars(this.inv, host) : {};
      this.inventoryVarsByHost.set(host, v);
    }
    return v;
  }

  private readonly groupNamesByHost = new Map<string, string[]>();
  private groupNamesOf(host: string): string[] {
    let g = this.groupNamesByHost.get(host);
    if (!g) {
      g = this.inv.hosts.has(host) ? groupNames(this.inv, host) : [];
      this.groupNamesByHost.set(host, g);
    }
    return g;
  }

  /** Variables of another host as `hostvars[h]` shows them: inventory, facts, set_fact, register. */
  private hostVarsOf(host: string): Vars {
    const hs = this.hosts.get(host);
    return mergeLayers([
      { vars: this.invVars(host) },
      { vars: hs?.gathered ?? {}, raw: true },
      { vars: hs?.facts ?? {}, raw: true },
      { vars: hs?.registered ?? {}, raw: true },
      {
        vars: {
          inventory_hostname: host,
          inventory_hostname_short: host.split('.')[0],
          group_names: this.groupNamesOf(host),
          ansible_facts: hs ? this.factsView(hs) : {},
        },
        raw: true,
      },
    ]);
  }

  private hostvarsObject?: Vars;
  private readonly factsViews = new WeakMap<Vars, Vars>();

  /**
   * `ansible_facts`: the gathered facts without their `ansible_` prefix, as Ansible shows them.
   * Computed once per version of the facts (merging facts replaces the object).
   */
  private factsView(hs: HostState): Vars {
    let view = this.factsViews.get(hs.gathered);
    if (!view) {
      view = unprefixed(hs.gathered);
      this.factsViews.set(hs.gathered, view);
    }
    return view;
  }

  /**
   * `hostvars`: one object per play whose entries are computed on access, so they always show the
   * other host's latest facts and registered results, and building a task's variables stays O(1).
   */
  private hostvars(): Vars {
    if (!this.hostvarsObject) {
      const hv: Vars = {};
      for (const h of this.inv.hosts.keys()) {
        Object.defineProperty(hv, h, { enumerable: true, get: () => this.hostVarsOf(h) });
      }
      this.hostvarsObject = hv;
    }
    return this.hostvarsObject;
  }

  private magicVars(host: string, role: { name: string; path: string } | undefined): Vars {
    const hostvars = this.hostvars();
    const active = this.playHosts.filter((h) => this.hosts.get(h)?.active);
    return {
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      group_names: this.groupNamesOf(host),
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
      ansible_facts: this.factsView(this.host(host)),
      omit: OMIT,
      ...(role ? { role_name: role.name, role_path: role.path } : {}),
    };
  }

  /** vars_files, rendered per host (their names may use inventory variables), loaded once per host. */
  private varsFiles(host: string): Vars {
    if (this.play.varsFiles.length === 0) return {};
    let v = this.varsFilesByHost.get(host);
    if (!v) {
      const base = mergeLayers([{ vars: this.invVars(host) }, { vars: this.play.vars }, { vars: this.opts.extraVars }, { vars: { inventory_hostname: host }, raw: true }]);
      v = loadVarsFiles(this.play.varsFiles, this.play.dir, (name) => String(renderValue(name, base)));
      this.varsFilesByHost.set(host, v);
    }
    return v;
  }
}

/** The defaults and vars of every role the play uses (in order), merged. */
function playRoleLayers(play: Play): { defaults: Vars; vars: Vars } {
  const seen = new Set<RoleInstance>();
  const visit = (nodes: readonly TaskNode[]) => {
    for (const n of nodes) {
      if (n.role) seen.add(n.role);
      if (n.kind === 'block') visit([...n.block, ...n.rescue, ...n.always]);
    }
  };
  visit([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks]);
  const defaults: Vars = {};
  const vars: Vars = {};
  for (const r of seen) {
    Object.assign(defaults, r.defaults);
    Object.assign(vars, r.vars);
  }
  return { defaults, vars };
}
