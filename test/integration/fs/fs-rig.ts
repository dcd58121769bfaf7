import { realpathSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { RpcTestClient, WAIT_MS, isNotification } from '../../helpers/rpc-client.js';

import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

/** Shared set-up of the `fs/*` tests: a server, initialized clients, a scratch directory, readers of answers. */

export interface FsRig {
  readonly server: TestServer;
  /** Initialized, closed in `t.after`. */
  readonly client: RpcTestClient;
  /** A private directory (canonical path, so paths the server reports compare equal), removed after the test. */
  readonly dir: string;
  /** Another initialized client of the same server, closed in `t.after`. */
  connect(): Promise<RpcTestClient>;
}

export async function startFsRig(t: TestContext): Promise<FsRig> {
  const server = await startTestServer(t);
  const connect = async () => {
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    return client;
  };
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'fs-methods-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return { server, client: await connect(), dir, connect };
}

// Tests of this folder import these from here; the one definition lives in rpc-results.ts.
export { errorOf, resultOf } from '../../helpers/rpc-results.js';

/** The reference's answer to a relative path in any `fs/*` param [observed]. */
export const RELATIVE_PATH_ERROR = {
  code: -32600,
  message: 'Invalid request: AbsolutePathBuf deserialized without a base path',
} as const;

/** The reference's answers to common OS failures [observed]. */
export const OS_ERRORS = {
  notFound: { code: -32603, message: 'No such file or directory (os error 2)' },
  notADirectory: { code: -32603, message: 'Not a directory (os error 20)' },
  isADirectory: { code: -32603, message: 'Is a directory (os error 21)' },
  exists: { code: -32603, message: 'File exists (os error 17)' },
  notEmpty: { code: -32603, message: 'Directory not empty (os error 39)' },
  loop: { code: -32603, message: 'Symbolic link loop (os error 40)' },
} as const;

export interface FsChanged {
  readonly watchId: string;
  readonly changedPaths: string[];
  /** Index in everything the client received. */
  readonly index: number;
}

/** The `fs/changed` notifications for `watchId` received after index `from`. */
export function changesOf(client: RpcTestClient, watchId: string, from = 0): FsChanged[] {
  return client.received.flatMap((message, index) => {
    if (index < from || !isNotification(message, 'fs/changed')) return [];
    const { params } = message;
    return params.watchId === watchId ? [{ ...params, index }] : [];
  });
}

/** Waits (bounded) for an `fs/changed` for `watchId`, received after index `from`, that names `path`. */
export async function changeNaming(
  client: RpcTestClient,
  watchId: string,
  path: string,
  from: number,
): Promise<FsChanged> {
  const message = await client.notification(
    'fs/changed',
    (params, candidate) =>
      params.watchId === watchId && params.changedPaths.includes(path) && client.received.indexOf(candidate) >= from,
  );
  return { ...message.params, index: client.received.indexOf(message) };
}

/**
 * Waits (bounded) until `condition` holds, checking every 20 ms: for server-side effects that send the client
 * nothing (a closed connection's watches).
 */
export async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The number of inotify watches this process holds (Linux): the test server runs in-process, so this counts
 * the watches its `fs/watch`es opened.
 */
export async function inotifyWatchCount(): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target !== 'anon_inode:inotify') continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8').catch(() => '');
    count += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
  }
  return count;
}
