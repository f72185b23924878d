// A tiny HTTP file server on loopback for download tests: serves fixed bodies by path, with optional
// status codes, headers and redirects, and counts what was asked for so tests can prove a module did
// (or did not) download again.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  /** the response body (ignored for redirects) */
  body?: string | Buffer;
  /** default 200, or 302 with `redirect` */
  status?: number;
  /** a Location to redirect to (a path on this server or a full URL) */
  redirect?: string;
  headers?: Record<string, string>;
  /** answer 401 unless the request carries this user:password (basic auth) */
  basicAuth?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface HttpFileServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  url(path: string): string;
  /** adds or replaces a route */
  set(path: string, route: Route): void;
  /** requests so far for `path` (every method), or all requests */
  count(path?: string): number;
  readonly requests: readonly RecordedRequest[];
  stop(): Promise<void>;
}

/** Starts the server on 127.0.0.1 and a free port. Unknown paths answer 404. */
export async function startHttpFileServer(routes: Record<string, Route> = {}): Promise<HttpFileServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (route.basicAuth !== undefined) {
      const given = req.headers.authorization ?? '';
      if (given !== `Basic ${Buffer.from(route.basicAuth).toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="lab"' }).end('unauthorized\n');
        return;
      }
    }
    if (route.redirect !== undefined) {
      res.writeHead(route.status ?? 302, { location: route.redirect, ...route.headers }).end();
      return;
    }
    const body = route.body === undefined ? Buffer.alloc(0) : Buffer.from(route.body);
    res.writeHead(route.status ?? 200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream', ...route.headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => origin + path,
    set: (path, route) => void table.set(path, route),
    count: (path) => (path === undefined ? requests.length : requests.filter((r) => r.path === path).length),
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
