import type { TestContext } from 'node:test';
import type { ServeOptions } from '../../src/cli.js';
import { startServer } from '../../src/main.js';
import { createSilentLogger } from '../../src/util/logger.js';
import { RpcTestClient } from './rpc-client.js';

/**
 * A new server on an existing CODEX_HOME (what a restart leaves behind), with one initialized client; both
 * stopped in `t.after`.
 */
export async function restartedServerClient(t: TestContext, codexHome: string, name = 'after-restart'): Promise<RpcTestClient> {
  const server = await startServer(
    { config: [], enable: [], disable: [], listen: { kind: 'websocket', host: '127.0.0.1', port: 0 } } as ServeOptions,
    { env: { ...process.env, CODEX_HOME: codexHome }, log: createSilentLogger() },
  );
  t.after(() => server.close());
  const client = await RpcTestClient.connect(server.websocket!.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true }, name);
  return client;
}
