import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startFakeModelServer } from './fake-model-server.js';
import type { FakeModelServer, ScriptedReply } from './fake-model-server.js';
import { startReferenceServer } from './reference-server.js';
import type { RpcTestClient, ServerMessage } from './rpc-client.js';
import { makeTempHome, leftBehind } from './temp-home.js';
import { mockProviderConfig, startThreadRig } from './thread-server.js';

/** One of the two servers a side-by-side test drives with the same script. */
export interface Side {
  readonly name: 'ours' | 'reference';
  readonly client: RpcTestClient;
  readonly fake: FakeModelServer;
  readonly codexHome: string;
  /** A fresh working directory for the side's threads. */
  readonly cwd: string;
}

/**
 * Our server and the reference 0.169.0 (over stdio), each with its own fake model scripted with the same
 * replies, its own CODEX_HOME and working directory; everything stopped in `t.after`.
 */
export async function startBothSides(
  t: TestContext,
  replies: () => readonly ScriptedReply[],
  configExtra = '',
): Promise<[Side, Side]> {
  const cwdOf = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'side-cwd-'));
    t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    return dir;
  };
  const rig = await startThreadRig(t, { replies: replies(), configExtra });
  const ours: Side = { name: 'ours', client: rig.client, fake: rig.fake, codexHome: rig.server.codexHome, cwd: await cwdOf() };
  const fake = await startFakeModelServer(t, replies());
  const home = await makeTempHome(t, mockProviderConfig(fake.baseUrl, configExtra));
  const cwd = await cwdOf();
  const client = await startReferenceServer(t, home, cwd);
  t.after(() => client.close());
  return [ours, { name: 'reference', client, fake, codexHome: home, cwd }];
}

/**
 * The messages from `from` on, as comparable lines: a notification's method (with `status.type` for
 * `thread/status/changed` and the turn status for `turn/completed`), `response` for a result, `error <code>
 * <message>` for an error. `ids` maps side-specific ids (thread ids, …) to stable names in error texts.
 */
export function sequenceOf(messages: readonly ServerMessage[], ids: Readonly<Record<string, string>> = {}): string[] {
  const named = (text: string) => Object.entries(ids).reduce((acc, [id, name]) => acc.split(id).join(name), text);
  return messages.flatMap((message): string[] => {
    if (typeof message.method === 'string') {
      if ('id' in message) return [`request ${message.method}`];
      const params = message.params as Record<string, any> | undefined;
      if (message.method === 'thread/status/changed') return [`thread/status/changed ${params?.status?.type}`];
      if (message.method === 'turn/completed') return [`turn/completed ${params?.turn?.status}`];
      if (message.method === 'item/started' || message.method === 'item/completed') {
        return [`${message.method} ${params?.item?.type}`];
      }
      // Account notices and warnings vary with the sides' setups, not with the method under test.
      if (['account/rateLimits/updated', 'warning', 'remoteControl/status/changed'].includes(message.method)) return [];
      return [message.method];
    }
    if ('error' in message) {
      const error = message.error as { code: number; message: string };
      return [`error ${error.code} ${named(error.message)}`];
    }
    return ['response'];
  });
}
