import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jailVisibleStdioServerToml } from '../../helpers/mcp-fixture.js';
import { startTenantServer } from '../../helpers/tenant-server.js';
import { resultOf, startThread } from '../../helpers/thread-server.js';

describe('MCP servers of tenants', () => {
  it("runs the operator's servers inside the tenant's jail", async (t) => {
    const { connect, server } = await startTenantServer(t, [], await jailVisibleStdioServerToml(t, 'fx'));
    const alice = await connect('alice');
    const threadId = await startThread(alice);
    const call = (path: string) =>
      alice.request('mcpServer/tool/call', { threadId, server: 'fx', tool: 'read_file', arguments: { path } });
    // The operator's CODEX_HOME is an empty tmpfs in the jail.
    const hidden = resultOf(await call(join(server.codexHome, 'config.toml')));
    assert.deepEqual(hidden, { content: [{ type: 'text', text: 'error: ENOENT' }], isError: true });
  });

  it('refuses thread config that would start a stdio server of the tenant’s choosing', async (t) => {
    const { connect } = await startTenantServer(t);
    const alice = await connect('alice');
    for (const config of [
      { 'mcp_servers.mine.command': 'sh' },
      { 'mcp_servers.mine': { command: 'sh', args: ['-c', 'id'] } },
      { mcp_servers: { mine: { command: 'sh' } } },
    ]) {
      const response = await alice.request('thread/start', { config });
      assert.equal((response.error as { code: number }).code, -32600, JSON.stringify(config));
      assert.match((response.error as { message: string }).message, /^config override `mcp_servers\.mine\.command` is not available to tenants$/);
    }
    // A streamable HTTP server is a URL, not a program: allowed.
    await alice.call('thread/start', { config: { 'mcp_servers.web.url': 'http://127.0.0.1:9/mcp' } });
  });
});
