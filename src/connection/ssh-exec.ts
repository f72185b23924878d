import { constants } from 'node:os';
import type { Client, ClientChannel } from 'ssh2';
import { quote } from './quote.js';
import type { BecomeSession } from './ssh-become.js';
import type { ExecBinaryResult } from './types.js';

export interface ChannelRun {
  /** POSIX shell text; it runs under `/bin/sh -c` whatever the user's login shell is */
  script: string;
  stdin: Buffer;
  /** when set, stdin waits until become succeeded, and a failed become raises its error */
  become?: BecomeSession;
  /** how long to wait for sudo/su to prompt or let us in */
  becomeTimeoutSec: number;
  /** why the connection is gone, if it is (checked when a channel ends without an exit status) */
  lost: () => Error | undefined;
}

/** Runs one command on its own channel and collects its output and exit status. */
export async function runOnChannel(client: Client, run: ChannelRun): Promise<ExecBinaryResult> {
  const command = `/bin/sh -c ${quote(run.script)}`;
  for (let attempt = 0; ; attempt++) {
    try {
      return await execAndCollect(client, command, run);
    } catch (e) {
      const delay = RETRIES[attempt];
      if (delay === undefined || !(e instanceof OpenRefused)) throw e instanceof OpenRefused ? e.cause : e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** Server refusals of a new channel that are worth a short retry (its session limit). */
const RETRIES = [50, 200, 500];

class OpenRefused extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/**
 * The listeners go on inside exec's callback, in the same tick: a quick command's exit status,
 * EOF and close can arrive in the same read as the exec's success, and ssh2 emits them at once;
 * a listener added a microtask later misses the exit status (seen as 255 under load).
 */
function execAndCollect(client: Client, command: string, run: ChannelRun): Promise<ExecBinaryResult> {
  return new Promise((resolve, reject) =>
    client.exec(command, (err, ch) => {
      if (err) return reject(/open failure|open failed/i.test(err.message) ? new OpenRefused(err) : err);
      collect(ch, run).then(resolve, reject);
    }),
  );
}

function collect(ch: ClientChannel, run: ChannelRun): Promise<ExecBinaryResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let rc: number | undefined;
    let becomeTimer: NodeJS.Timeout | undefined;
    const { become } = run;

    // eof() rather than end(): with our side finished, the server's EOF would make Node's stream
    // autoDestroy close the channel before the exit status arrives; OpenSSH still sends it, but
    // the protocol lets a server drop it. The callback runs once the data is on the transport.
    const sendStdin = () => ch.write(run.stdin, () => ch.eof());
    const act = (a: ReturnType<BecomeSession['feed']>) => {
      if (a.kind === 'password') {
        ch.write(a.data);
      } else if (a.kind === 'ready') {
        clearTimeout(becomeTimer);
        sendStdin();
      } else if (a.kind === 'abort') {
        clearTimeout(becomeTimer);
        ch.end();
        // sudo may keep waiting for a tty; closing the channel ends it for sure
        ch.close();
      }
    };

    ch.on('data', (d: Buffer) => out.push(d));
    ch.stderr.on('data', (d: Buffer) => {
      if (become && !become.succeeded) act(become.feed(d));
      else err.push(d);
    });
    ch.on('exit', (code: number | null, signal?: string) => {
      rc = code ?? signalStatus(signal);
    });
    ch.on('error', () => {}); // reported through 'close' without an exit status
    ch.on('close', () => {
      clearTimeout(becomeTimer);
      if (become && !become.succeeded) return reject(run.lost() ?? become.error());
      if (rc === undefined) {
        const lost = run.lost();
        if (lost) return reject(lost);
        rc = 255; // as OpenSSH's client when the server sends no exit status
      }
      const stdoutBytes = Buffer.concat(out);
      const stderr = (become ? become.stderrBefore() : '') + Buffer.concat(err).toString('utf8');
      resolve({ rc, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
    });

    if (become) {
      becomeTimer = setTimeout(() => act(become.timeout(run.becomeTimeoutSec)), run.becomeTimeoutSec * 1000);
    } else {
      sendStdin();
    }
  });
}

/** 128 + the signal's number, as a shell reports a command killed by a signal. */
export function signalStatus(signal: string | undefined): number {
  if (!signal) return 255;
  const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as keyof typeof constants.signals;
  const n = constants.signals[name];
  return n === undefined ? 255 : 128 + n;
}
