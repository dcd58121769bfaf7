import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHttpApp } from '../../../src/transport/http-server.js';
import type { ConnectionAcceptor } from '../../../src/transport/http-server.js';
import { createSilentLogger } from '../../../src/util/logger.js';

describe('buildHttpApp', () => {
  it('reports 503 on /readyz while draining, and keeps /healthz at 200', async (t) => {
    // The probes only read whether the connections' owner drains; no connection is made here.
    const connections: ConnectionAcceptor & { isDraining: boolean } = { isDraining: false, attach: () => {} };
    const app = buildHttpApp({
      connections,
      tenantClaim: null,
      authPolicy: { mode: 'none' },
      tls: null,
      log: createSilentLogger(),
    });
    t.after(() => app.close());
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    connections.isDraining = true;
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.body, '');
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});
