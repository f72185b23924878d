/** Memory and CPU facts from /proc/meminfo and /proc/cpuinfo, computed as Ansible's Linux hardware collector does. */
import type { Vars } from '../vars/types.js';

const MEMORY_KEYS = ['MemTotal', 'SwapTotal', 'MemFree', 'SwapFree'];

export function memoryFacts(meminfo: string | undefined): Vars {
  if (meminfo === undefined) return {};
  const mb: Record<string, number> = {};
  for (const line of meminfo.split('\n')) {
    const m = /^([^:]+):\s*(\d+)/.exec(line);
    if (m) mb[m[1]] = Math.floor(Number(m[2]) / 1024);
  }
  const out: Vars = {};
  for (const k of MEMORY_KEYS) if (mb[k] !== undefined) out[`${k.toLowerCase()}_mb`] = mb[k];
  const sub = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a - b : null);
  const nocacheFree = mb.Cached !== undefined && mb.MemFree !== undefined && mb.Buffers !== undefined ? mb.Cached + mb.MemFree + mb.Buffers : undefined;
  out.memory_mb = {
    real: { total: mb.MemTotal ?? null, used: sub(mb.MemTotal, mb.MemFree), free: mb.MemFree ?? null },
    nocache: { free: nocacheFree ?? null, used: sub(mb.MemTotal, nocacheFree) },
    swap: { total: mb.SwapTotal ?? null, free: mb.SwapFree ?? null, used: sub(mb.SwapTotal, mb.SwapFree), cached: mb.SwapCached ?? null },
  };
  return out;
}

/**
 * processor, processor_count, processor_cores, processor_threads_per_core, processor_vcpus and
 * processor_nproc, with Ansible's arithmetic (sockets from `physical id`, cores per socket from
 * `cpu cores`, threads from `siblings`). `nproc` is the remote `nproc` (CPUs this process may use).
 */
export function cpuFacts(cpuinfo: string | undefined, architecture: string, nproc: string | undefined, xen = false): Vars {
  if (cpuinfo === undefined) return {};
  const processor: string[] = [];
  let i = 0;
  let vendorIds = 0;
  let modelNames = 0;
  let processors = 0;
  let physid = '0';
  let coreid = '0';
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let xenParavirt = false;
  for (const line of cpuinfo.split('\n')) {
    const colon = line.indexOf(':');
    const key = (colon < 0 ? line : line.slice(0, colon)).trim();
    const val = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (xen && key === 'flags' && !val.split(/\s+/).includes('vme')) xenParavirt = true;
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendorIds++;
      if (key === 'model name') modelNames++;
      if (key === 'processor') processors++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      // (sic) Ansible checks the sockets here, so a core id equal to a socket id is not recorded
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number(val));
    else if (key === 'siblings') cores.set(coreid, Number(val));
  }
  if (vendorIds > 0 && vendorIds === modelNames) i = vendorIds;
  if (/^(armv|aarch|ppc)/.test(architecture)) i = processors;
  const out: Vars = { processor };
  if (architecture === 's390x') return out;
  if (xenParavirt) {
    return { ...out, processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i };
  }
  const count = sockets.size ? sockets.size : i;
  const socketValues = [...sockets.values()];
  const coresPerSocket = socketValues.length && socketValues[0] ? socketValues[0] : 1;
  const coreValues = [...cores.values()];
  const threads = Math.floor((coreValues.length ? coreValues[0] : 1) / coresPerSocket);
  const n = Number(nproc);
  return {
    ...out,
    processor_count: count,
    processor_cores: coresPerSocket,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * coresPerSocket,
    processor_nproc: Number.isInteger(n) && n > 0 ? n : processors,
  };
}

/** ansible_uptime_seconds: whole seconds from /proc/uptime. */
export function uptimeFacts(uptime: string | undefined): Vars {
  const s = Number(uptime?.trim().split(/\s+/)[0]);
  return Number.isFinite(s) && uptime ? { uptime_seconds: Math.floor(s) } : {};
}

/** ansible_loadavg: the 1, 5 and 15 minute load averages. */
export function loadavgFacts(loadavg: string | undefined): Vars {
  const w = (loadavg ?? '').trim().split(/\s+/).map(Number);
  return w.length >= 3 && w.slice(0, 3).every(Number.isFinite) ? { loadavg: { '1m': w[0], '5m': w[1], '15m': w[2] } } : {};
}
