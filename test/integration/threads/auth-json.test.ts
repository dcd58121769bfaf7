import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ServeOptions } from '../../../src/cli.js';
import { startServer } from '../../../src/main.js';
import { createSilentLogger } from '../../../src/util/logger.js';
import { sseReply, startFakeModelServer, textTurnFrames } from '../../helpers/fake-model-server.js';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { mockProviderConfig, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';

describe('the API key in CODEX_HOME/auth.json', () => {
  it('authenticates model requests of a provider that uses the Codex login', async (t) => {
    const fake = await startFakeModelServer(t, [sseReply(textTurnFrames(['one'])), sseReply(textTurnFrames(['two']))]);
    const config = mockProviderConfig(fake.baseUrl).replace('wire_api = "responses"', 'wire_api = "responses"\nrequires_openai_auth = true');
    const codexHome = await makeTempHome(t, config);
    const env: NodeJS.ProcessEnv = { ...process.env, CODEX_HOME: codexHome };
    delete env.OPENAI_API_KEY;
    const server = await startServer(
      { config: [], enable: [], disable: [], listen: { kind: 'websocket', host: '127.0.0.1', port: 0 } } as ServeOptions,
      { env, log: createSilentLogger() },
    );
    t.after(() => server.close());
    const client = await RpcTestClient.connect(server.websocket!.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    const threadId = await startThread(client);

    // No login yet: no credentials, as the reference sends it.
    await turnCompleted(client, await startTextTurn(client, threadId, 'first'));
    await writeFile(join(codexHome, 'auth.json'), JSON.stringify({ OPENAI_API_KEY: 'sk-test-key', tokens: null }));
    await turnCompleted(client, await startTextTurn(client, threadId, 'second'));
    const [first, second] = await fake.waitForRequests(2);
    assert.equal(first?.headers.authorization, undefined);
    assert.equal(second?.headers.authorization, 'Bearer sk-test-key');
  });
});
