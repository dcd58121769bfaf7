import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFakeModelServer } from '../../helpers/fake-model-server.js';
import { startHttpFixture, stdioServerToml } from '../../helpers/mcp-fixture.js';
import { startReferenceServer } from '../../helpers/reference-server.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';
import { leftBehind } from '../../helpers/temp-home.js';
import { mockProviderConfig, resultOf, startThreadRig } from '../../helpers/thread-server.js';

/*
 * `authStatus` in mcpServerStatus/list, beside the reference 0.169.0: a stdio server, a streamable HTTP server
 * without OAuth, one that advertises OAuth and lets anyone in, one that advertises OAuth and refuses us (401), and
 * one that refuses every request, its metadata included.
 */

async function authStatuses(client: RpcTestClient): Promise<Record<string, unknown>> {
  const listed = await client.call('mcpServerStatus/list', {});
  return Object.fromEntries(listed.data.map((status) => [status.name, status.authStatus]));
}

describe('MCP auth status', () => {
  it('reports each server\'s auth status as the reference does', { timeout: 60_000 }, async (t) => {
    const servers = [
      stdioServerToml('local'),
      `[mcp_servers.plain]\nurl = "${await startHttpFixture(t)}"\n`,
      `[mcp_servers.open]\nurl = "${await startHttpFixture(t, { FIXTURE_OAUTH: '1' })}"\n`,
      `[mcp_servers.locked]\nurl = "${await startHttpFixture(t, { FIXTURE_OAUTH: '1', FIXTURE_REQUIRE_BEARER: 'secret' })}"\n`,
      `[mcp_servers.refusing]\nurl = "${await startHttpFixture(t, { FIXTURE_REQUIRE_BEARER: 'secret' })}"\n`,
    ].join('\n');
    const fake = await startFakeModelServer(t, []);
    const home = await mkdtemp(join(tmpdir(), 'mcp-auth-status-'));
    t.after(() => rm(home, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
    await writeFile(join(home, 'config.toml'), mockProviderConfig(fake.baseUrl, servers));
    const expected = await authStatuses(await startReferenceServer(t, home, home));
    assert.deepEqual(expected, { local: 'unsupported', locked: 'unknown', open: 'unknown', plain: 'unsupported', refusing: 'unsupported' });

    const ours = await startThreadRig(t, { configExtra: servers });
    assert.deepEqual(await authStatuses(ours.client), expected);
  });
});
