/** One hop of a ProxyJump list: `[user@]host[:port]`, `ssh://[user@]host[:port]`, `[v6addr]:port`. */
export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/** Parses ProxyJump / `-J`: comma-separated hops, first hop first; `none` means no jump. */
export function parseJumpSpecs(value: string | undefined): JumpSpec[] {
  if (value === undefined) return [];
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return [];
  return trimmed.split(',').map((s) => parseJumpSpec(s.trim()));
}

export function parseJumpSpec(spec: string): JumpSpec {
  let rest = spec.startsWith('ssh://') ? spec.slice('ssh://'.length).replace(/\/$/, '') : spec;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else if (rest.split(':').length === 2) {
    [host, portText] = rest.split(':') as [string, string];
  }
  if (!host || (user !== undefined && !user)) throw new Error(`invalid ProxyJump host '${spec}' (expected [user@]host[:port])`);
  const out: JumpSpec = { host };
  if (user) out.user = user;
  if (portText !== undefined) out.port = parsePort(portText, `ProxyJump '${spec}'`);
  return out;
}

export function parsePort(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${what}: invalid port '${String(v)}'`);
  return n;
}
