import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHandlerTable } from '../../../src/handlers/handler-table.js';
import { RpcHost } from '../../../src/rpc/host.js';
import { ThreadManager } from '../../../src/runtime/thread-manager.js';
import { buildHttpApp } from '../../../src/transport/http-server.js';
import { createSilentLogger } from '../../../src/util/logger.js';

function hostForTest(): RpcHost {
  const handlers = buildHandlerTable({
    codexHome: '/tmp/none',
    installationId: '00000000-0000-4000-8000-000000000000',
    configWarnings: [],
    config: {
      codexHome: '/tmp/none',
      configPath: '/tmp/none/config.toml',
      table: {},
      fileTable: {},
      overrides: [],
      config: {},
      warnings: [],
    },
    env: {},
    threads: new ThreadManager({
      codexHome: '/tmp/none',
      config: { table: {} },
      env: {},
      log: createSilentLogger(),
      serverCwd: '/tmp',
      broadcaster: { broadcast() {} },
    }),
  });
  return new RpcHost({ handlers, log: createSilentLogger() });
}

describe('buildHttpApp', () => {
  it('reports 503 on /readyz while draining, and keeps /healthz at 200', async (t) => {
    const rpcHost = hostForTest();
    const app = buildHttpApp({ rpcHost, authPolicy: { mode: 'none' }, tls: null, log: createSilentLogger() });
    t.after(() => app.close());
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    rpcHost.beginDrain();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.body, '');
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});
