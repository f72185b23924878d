import { argv } from '../../connection/quote.js';

/** The downloader found on the host (Ansible downloads on the target; we use its curl or wget). */
export type FetchTool = 'curl' | 'wget';

export interface FetchOptions {
  url: string;
  headers: Record<string, string>;
  /** seconds without progress before giving up (Ansible's socket timeout) */
  timeout: number;
  validateCerts: boolean;
  userAgent: string;
  /** basic auth; travels on stdin in the tool's config, never in argv */
  username?: string;
  password?: string;
}

/** Marks the exit status of the downloader in its stderr stream. */
export const FETCH_RC = 'TSPLAY-FETCH-RC';

/** A download command: `setup` (shell text run first, may be empty), the command, and its stdin. */
export interface FetchCommand {
  setup: string;
  command: string;
  stdin: string;
}

/**
 * The downloader command. `target` is a quoted shell word (a temp file) or undefined for stdout.
 * Response headers of every hop go to stderr, so status, redirects and Content-Disposition are
 * read the same way for both tools. Credentials never appear in argv: curl reads them from its
 * config on stdin; wget cannot read a config from a pipe, so `setup` writes them into a private
 * temp file (mktemp, 0600) removed when the script exits.
 */
export function fetchCommand(tool: FetchTool, o: FetchOptions, target: string | undefined): FetchCommand {
  if (tool === 'curl') {
    const config = [
      `user-agent = ${curlString(o.userAgent)}`,
      ...Object.entries(o.headers).map(([k, v]) => `header = ${curlString(`${k}: ${v}`)}`),
      ...(o.username !== undefined ? [`user = ${curlString(`${o.username}:${o.password ?? ''}`)}`] : []),
    ];
    const words = ['curl', '-q', '-sS', '-L', '--max-redirs', '50', '--connect-timeout', o.timeout, '--speed-limit', '1', '--speed-time', o.timeout, '-D', '/dev/stderr', '-K', '-'];
    if (!o.validateCerts) words.push('-k');
    words.push('--url', o.url);
    return { setup: '', command: `${argv(words)} -o ${target ?? '-'}`, stdin: config.map((l) => l + '\n').join('') };
  }
  const words = ['wget', '-q', '-S', '--max-redirect=50', '-T', o.timeout, `--user-agent=${noNewline(o.userAgent)}`];
  for (const [k, v] of Object.entries(o.headers)) words.push(`--header=${noNewline(`${k}: ${v}`)}`);
  if (!o.validateCerts) words.push('--no-check-certificate');
  let setup = '';
  let stdin = '';
  if (o.username !== undefined) {
    setup = `c=$(mktemp) || exit 1; trap 'rm -f -- "$c"' EXIT; cat > "$c" || exit 1`;
    stdin = [`http_user = ${noNewline(o.username)}`, `http_password = ${noNewline(o.password ?? '')}`, 'auth_no_challenge = on'].map((l) => l + '\n').join('');
  }
  // wget exits 8 on an HTTP error status; the status line in the headers tells the story instead
  const config = o.username !== undefined ? ' --config="$c"' : '';
  return { setup, command: `${argv(words)}${config} -O ${target ?? '-'} -- ${argv([o.url])}`, stdin };
}

function curlString(v: string): string {
  if (/[\r\n]/.test(v)) throw new Error('header and credential values must not contain newlines');
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function noNewline(v: string): string {
  if (/[\r\n]/.test(v)) throw new Error('header and credential values must not contain newlines');
  return v;
}

/** What the response headers of a download (all hops) say. */
export interface FetchOutcome {
  /** status of the last response; undefined when there was none (file://, connection refused) */
  status?: number;
  statusText?: string;
  /** the URL of the last response, after redirects */
  finalUrl: string;
  contentDisposition?: string;
  /** the downloader's own error lines (anything that is not a header) */
  errors: string[];
}

/**
 * Reads curl's `-D /dev/stderr` or wget's `-S` output: blocks starting with an HTTP status line;
 * Location headers chain the URL (relative ones resolved against the previous hop).
 */
export function parseFetchStderr(stderr: string, url: string): FetchOutcome {
  const out: FetchOutcome = { finalUrl: url, errors: [] };
  let location: string | undefined;
  for (const raw of stderr.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/^ {2}/, '');
    const status = /^HTTP\/[\d.]+ (\d{3})\s*(.*)$/.exec(line);
    if (status) {
      if (location !== undefined && out.status !== undefined && out.status >= 300 && out.status < 400) {
        try {
          out.finalUrl = new URL(location, out.finalUrl).toString();
        } catch {
          /* a broken Location leaves the URL as it was */
        }
      }
      out.status = Number(status[1]);
      out.statusText = status[2];
      out.contentDisposition = undefined;
      location = undefined;
      continue;
    }
    const header = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (header && out.status !== undefined && !line.startsWith('curl:') && !line.startsWith('wget:')) {
      const name = header[1].toLowerCase();
      if (name === 'location') location = header[2].trim();
      if (name === 'content-disposition') out.contentDisposition = header[2].trim();
      continue;
    }
    if (line.trim() !== '' && !line.startsWith(FETCH_RC)) out.errors.push(line.trim());
  }
  return out;
}

/** The exit status the script recorded after the downloader (FETCH_RC line), or undefined. */
export function fetchRc(stderr: string): number | undefined {
  const m = new RegExp(`^${FETCH_RC} (\\d+)$`, 'm').exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** Shell text selecting the tool, in Ansible's spirit of needing nothing special on the host. */
export const DETECT_TOOL = `if command -v curl >/dev/null 2>&1; then echo curl; elif command -v wget >/dev/null 2>&1; then echo wget; else echo none; fi`;

/** The error when the host has neither tool. */
export const NO_TOOL_MSG = 'get_url needs curl or wget on the host; install one (apt-get install curl / dnf install curl)';
