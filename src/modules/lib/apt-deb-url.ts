import { quote } from '../../connection/quote.js';

/**
 * `deb:` given as a URL, as Ansible allows: the host downloads it with its curl or wget. Inspecting
 * streams the file into `dpkg-deb -f /dev/stdin` (nothing is written, so check mode stays clean);
 * only an install downloads it, into a temp directory removed afterwards.
 */
export function isDebUrl(deb: string): boolean {
  return /^(https?|ftp):\/\//i.test(deb);
}

/**
 * Shell text defining `tsplay_get URL` (the body on stdout, errors on stderr) with the host's tool;
 * a server that stops sending for 30 s fails the task instead of hanging it.
 */
export const DEFINE_GET = [
  'if command -v curl >/dev/null 2>&1; then tsplay_get() { curl -fsSL --max-redirs 50 --connect-timeout 30 --speed-limit 1 --speed-time 30 -- "$1"; }',
  'elif command -v wget >/dev/null 2>&1; then tsplay_get() { wget -q -T 30 -O - -- "$1"; }',
  'else tsplay_get() { echo "a deb URL needs curl or wget on the host" >&2; return 1; }; fi',
].join('; ');

/** The package fields of the .deb at `url`, read from the stream: `Package: x` and `Version: y`, or `missing`. */
export function debUrlFields(url: string): string {
  return `if f=$(tsplay_get ${quote(url)} | dpkg-deb -f /dev/stdin Package Version) && [ -n "$f" ]; then printf '%s\\n' "$f"; else echo missing; fi`;
}

/** The file name an install gives the download (apt-get installs a local file only if it ends in .deb). */
export function debFileName(name: string, version: string): string {
  return `${name}_${version}.deb`.replace(/[^A-Za-z0-9._+~-]/g, '_');
}

/** Downloads into a new temp directory; prints the directory. The caller removes it. */
export function downloadDebScript(url: string, fileName: string): string {
  return `${DEFINE_GET}; d=$(mktemp -d) || exit 1; printf '%s\\n' "$d"; tsplay_get ${quote(url)} > "$d"/${quote(fileName)}`;
}
