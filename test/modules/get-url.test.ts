import { describe, expect, it } from 'vitest';
import getUrl from '../../src/modules/get-url.js';
import { checksumFromFile, filenameFromContentDisposition, parseChecksumArg, urlFilename } from '../../src/modules/lib/get-url-checksum.js';
import { decideDownload, type GetUrlDest } from '../../src/modules/lib/get-url-decide.js';
import { fetchCommand, fetchRc, parseFetchStderr, type FetchOptions } from '../../src/modules/lib/get-url-fetch.js';

const HEX = 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c';

describe('get_url: checksum argument', () => {
  it.each([
    ['sha256:' + HEX, { algorithm: 'sha256', hex: HEX }],
    ['SHA256:' + HEX.toUpperCase(), { algorithm: 'sha256', hex: HEX }],
    ['md5:d41d8cd9\u200b8f00b204e9800998ecf8427e', { algorithm: 'md5', hex: 'd41d8cd98f00b204e9800998ecf8427e' }],
    ['sha256:http://127.0.0.1:8080/SHA256SUMS', { algorithm: 'sha256', url: 'http://127.0.0.1:8080/SHA256SUMS' }],
    ['sha512:file:///tmp/sums', { algorithm: 'sha512', url: 'file:///tmp/sums' }],
  ])('%s', (arg, expected) => {
    expect(parseChecksumArg(arg)).toEqual(expected);
  });
  it.each([
    ['nocolon', /format <algorithm>:<checksum>/],
    ['crc32:abcd', /Unsupported hash algorithm/],
    ['sha256:not-hex!', /checksum format is invalid/],
  ])('refuses %s', (arg, msg) => {
    expect(() => parseChecksumArg(arg)).toThrow(msg);
  });
});

describe('get_url: checksum files, file names', () => {
  const file = `${'1'.repeat(64)}  other.tar.gz\n${HEX} *./pkg.tar.gz\n${'2'.repeat(64)}  pkg.tar.gz\n`;
  it.each([
    [file, 'pkg.tar.gz', HEX],
    [file, 'other.tar.gz', '1'.repeat(64)],
    [file, 'missing.tgz', undefined],
    [`${HEX}\n`, 'anything', HEX],
    [`${HEX} pkg\r\n`, 'pkg', HEX],
  ])('lookup %#', (text, name, expected) => {
    expect(checksumFromFile(text, name)).toBe(expected);
  });
  it.each([
    ['http://h/a/b/pkg.tgz?x=1', 'pkg.tgz'],
    ['http://h/a/b/', 'index.html'],
    ['http://h', 'index.html'],
    ['http://h/a%20b.txt', 'a b.txt'],
  ])('url filename of %s', (url, name) => {
    expect(urlFilename(url)).toBe(name);
  });
  it.each([
    ['attachment; filename="r.tgz"', 'r.tgz'],
    ['attachment;filename=plain.bin', 'plain.bin'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['inline; filename="x"', undefined],
    [undefined, undefined],
  ])('content-disposition %s', (h, name) => {
    expect(filenameFromContentDisposition(h)).toBe(name);
  });
});

describe('get_url: whether to download', () => {
  const file = (sum?: string): GetUrlDest => ({ kind: 'file', sha1: 'x', sum, state: { path: '/d', exists: true, type: 'file' } });
  it.each([
    [{ kind: 'absent' } as GetUrlDest, {}, 'download'],
    [{ kind: 'dir' } as GetUrlDest, {}, 'download'],
    [{ kind: 'other' } as GetUrlDest, {}, 'fail'],
    [file(), {}, 'keep'],
    [file(HEX), { expected: HEX }, 'keep'],
    [file('0'.repeat(64)), { expected: HEX }, 'download'],
    [file(HEX), { force: true, expected: HEX }, 'download'],
    [file(), { force: true }, 'download'],
  ] as const)('%# -> %s', (dest, o, action) => {
    expect(decideDownload(dest, { force: false, ...o }).action).toBe(action);
  });
});

describe('get_url: the downloader command and its output', () => {
  const o: FetchOptions = { url: 'http://127.0.0.1:1/a b?x=1;rm -rf /', headers: { 'X-Token': 'tok"en' }, timeout: 7, validateCerts: false, userAgent: 'ansible-httpget', username: 'ann', password: 's3cr3t' };
  it('curl: the URL is one quoted word; headers and credentials go to stdin', () => {
    const c = fetchCommand('curl', o, '"$t"');
    expect(c.command).toBe(`curl -q -sS -L --max-redirs 50 --connect-timeout 7 --speed-limit 1 --speed-time 7 -D /dev/stderr -K - -k --url 'http://127.0.0.1:1/a b?x=1;rm -rf /' -o "$t"`);
    expect(c.command).not.toContain('s3cr3t');
    expect(c.stdin).toBe('user-agent = "ansible-httpget"\nheader = "X-Token: tok\\"en"\nuser = "ann:s3cr3t"\n');
    expect(c.setup).toBe('');
  });
  it('wget: credentials go through a private temp config, headers through argv', () => {
    const c = fetchCommand('wget', o, undefined);
    expect(c.command).toBe(`wget -q -S --max-redirect=50 -T 7 --user-agent=ansible-httpget '--header=X-Token: tok"en' --no-check-certificate --config="$c" -O - -- 'http://127.0.0.1:1/a b?x=1;rm -rf /'`);
    expect(c.setup).toContain('mktemp');
    expect(c.command + c.setup).not.toContain('s3cr3t');
    expect(c.stdin).toContain('http_password = s3cr3t');
    expect(() => fetchCommand('curl', { ...o, headers: { a: 'b\nc' } }, undefined)).toThrow(/newline/);
  });

  it('curl headers over a redirect: final status, URL and Content-Disposition', () => {
    const stderr = 'HTTP/1.1 302 Found\r\nLocation: /real/file.tgz\r\n\r\nHTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename="x.tgz"\r\nContent-Length: 3\r\n\r\nTSPLAY-FETCH-RC 0\n';
    expect(parseFetchStderr(stderr, 'http://h/start')).toEqual({ status: 200, statusText: 'OK', finalUrl: 'http://h/real/file.tgz', contentDisposition: 'attachment; filename="x.tgz"', errors: [] });
    expect(fetchRc(stderr)).toBe(0);
  });
  it('wget -S headers (indented) and an error', () => {
    const stderr = '  HTTP/1.1 404 Not Found\n  Content-Type: text/plain\n  Content-Length: 10\nTSPLAY-FETCH-RC 8\n';
    expect(parseFetchStderr(stderr, 'http://h/x')).toMatchObject({ status: 404, statusText: 'Not Found', finalUrl: 'http://h/x' });
    expect(fetchRc(stderr)).toBe(8);
  });
  it('a connection error: no status, the tool\'s message kept', () => {
    const stderr = 'curl: (7) Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn\'t connect to server\nTSPLAY-FETCH-RC 7\n';
    expect(parseFetchStderr(stderr, 'http://127.0.0.1:1/')).toEqual({ finalUrl: 'http://127.0.0.1:1/', errors: [stderr.split('\n')[0]] });
  });

  it('arguments: aliases and strictness', () => {
    expect(getUrl.args.parse({ url: 'https://x/y', dest: '/d', username: 'u', password: 'p' })).toMatchObject({ url_username: 'u', url_password: 'p', force: false, timeout: 10, checksum: '' });
    expect(getUrl.args.safeParse({ url: '-oops', dest: '/d' }).success).toBe(false);
    expect(getUrl.args.safeParse({ url: 'http://x', dest: '/d', bogus: 1 }).success).toBe(false);
  });
});
