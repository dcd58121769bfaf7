import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../util/logger.js';
import { StartupError } from '../util/startup-error.js';
import { buildHttpApp } from './http-server.js';
import type { ConnectionAcceptor } from './http-server.js';
import type { WsAuthPolicy } from './ws-auth-settings.js';

export interface UnixSocketListenerOptions {
  /** `--listen unix://PATH`'s PATH (relative to `cwd`), or null for the default under CODEX_HOME. */
  readonly path: string | null;
  readonly codexHome: string;
  readonly cwd: string;
  readonly authPolicy: WsAuthPolicy;
  readonly connections: ConnectionAcceptor;
  readonly log: Logger;
}

export interface UnixSocketListener {
  /** The path clients connect to (`codex --remote unix://<path>`). */
  readonly path: string;
  /** Stops accepting, closes every websocket and removes the socket. */
  close(): Promise<void>;
}

/** Where `--listen unix://` (no path) listens, as the reference does. */
export function defaultControlSocketPath(codexHome: string): string {
  return join(codexHome, 'app-server-control', 'app-server-control.sock');
}

/**
 * Serves the websocket app (the same routes, checks and JSON-RPC as `ws://`) on a unix socket, as the reference
 * does [observed: a websocket upgrade over the socket; raw JSON lines are not answered]. Like the reference, the
 * socket itself lives in a private directory, `/tmp/codex-daemon-<uid>/` (mode 0700), named by the SHA-256 of the
 * requested path, and the requested path is a symlink to it: the socket is owner-only (0600) and its real path stays
 * short enough for `sun_path` however deep CODEX_HOME is. A leftover path nobody answers on is replaced; one a live
 * server answers on is refused with the reference's `app-server control socket is already in use at <path>`.
 * Both are removed on close.
 */
export async function startUnixSocketListener(options: UnixSocketListenerOptions): Promise<UnixSocketListener> {
  const path = resolve(options.cwd, options.path ?? defaultControlSocketPath(options.codexHome));
  if (options.path === null) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (pathExists(path)) {
    if (await answers(path)) throw new StartupError(`app-server control socket is already in use at ${path}`);
    unlinkSync(path);
  }
  const privateDir = join('/tmp', `codex-daemon-${process.getuid?.() ?? 0}`);
  mkdirSync(privateDir, { recursive: true, mode: 0o700 });
  chmodSync(privateDir, 0o700);
  const socketPath = join(privateDir, createHash('sha256').update(path).digest('hex'));
  if (pathExists(socketPath)) unlinkSync(socketPath);

  const app = buildHttpApp({
    connections: options.connections,
    authPolicy: options.authPolicy,
    tls: null,
    tenantClaim: null,
    log: options.log,
  });
  await app.listen({ path: socketPath });
  chmodSync(socketPath, 0o600);
  symlinkSync(socketPath, path);
  options.log.info({ path }, 'listening on a unix socket');
  return {
    path,
    close: async () => {
      await app.close();
      for (const file of [path, socketPath]) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone (removed by hand, or by a newer server that replaced a dead one).
        }
      }
    },
  };
}

function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether a server accepts connections on the socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
