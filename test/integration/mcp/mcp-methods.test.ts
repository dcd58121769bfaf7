import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stdioServerToml } from '../../helpers/mcp-fixture.js';
import { makeTempFile } from '../../helpers/temp-home.js';
import { resultOf } from '../../helpers/rpc-results.js';
import { startThread, startThreadRig } from '../../helpers/thread-server.js';


const SERVERS = [
  stdioServerToml('fx'),
  '[mcp_servers.gone]\ncommand = "/nonexistent/mcp-server"\n',
  stdioServerToml('off', ['enabled = false']),
].join('\n');


describe('MCP server methods', () => {
  it('lists servers without a thread (paged by name), starting them for the request', async (t) => {
    const rig = await startThreadRig(t, { configExtra: SERVERS });
    const first = await rig.client.call('mcpServerStatus/list', { limit: 2 });
    const page = first.data;
    assert.deepEqual(page.map((s) => s.name), ['fx', 'gone']);
    assert.equal(first.nextCursor, '2');
    assert.equal(page[0]?.runtimeStatus, null);
    assert.equal(page[0]?.toolsError, null);
    assert.deepEqual(Object.keys(page[0]?.tools ?? {}).sort(), ['ask', 'ask_url', 'client_capabilities', 'crash', 'echo', 'fail', 'grow', 'picture', 'read_echo', 'read_file', 'slow']);
    assert.deepEqual(page[0]?.resources.map((r) => r.uri), ['fixture://readme']);
    assert.equal(page[1]?.toolsError, 'MCP startup failed: No such file or directory (os error 2)');
    const second = await rig.client.call('mcpServerStatus/list', { cursor: '2' });
    assert.deepEqual(second.data.map((s) => [s.name, s.runtimeStatus]), [['off', null]]);
    assert.equal(second.nextCursor, null);
  });

  it("shows a thread's servers, calls tools and reads resources directly, with the reference's errors", async (t) => {
    const rig = await startThreadRig(t, { configExtra: SERVERS });
    const threadId = await startThread(rig.client);
    const listed = await rig.client.call('mcpServerStatus/list', { threadId });
    assert.deepEqual(
      listed.data.map((s) => [s.name, s.runtimeStatus]),
      [['fx', 'connected'], ['gone', 'failed'], ['off', 'disabled']],
    );
    const failed = await rig.client.notification('mcpServer/startupStatus/updated', (params) => params.status === 'failed');
    assert.equal(
      failed.params.error,
      'MCP client for `gone` failed to start: MCP startup failed: No such file or directory (os error 2)',
    );

    // Direct calls are not subject to the approval policy.
    const call = await rig.client.call('mcpServer/tool/call', { threadId, server: 'fx', tool: 'echo', arguments: { text: 'direct' } });
    assert.deepEqual(call, { content: [{ type: 'text', text: 'echo: direct' }] });
    const read = await rig.client.call('mcpServer/resource/read', { threadId, server: 'fx', uri: 'fixture://readme' });
    assert.deepEqual(read, {
      contents: [{ uri: 'fixture://readme', mimeType: 'text/plain', text: 'fixture readme text' }],
      originCallId: null,
    });
    const withoutThread = await rig.client.call('mcpServer/resource/read', { server: 'fx', uri: 'fixture://notes/a' });
    assert.deepEqual(withoutThread.contents, [{ uri: 'fixture://notes/a', text: 'note a' }]);

    const unknownServer = await rig.client.request('mcpServer/tool/call', { threadId, server: 'nope', tool: 'echo' });
    assert.deepEqual(unknownServer.error, { code: -32603, message: "unknown MCP server 'nope'" });
    const notStarted = await rig.client.request('mcpServer/tool/call', { threadId, server: 'gone', tool: 'echo' });
    assert.deepEqual(notStarted.error, {
      code: -32603,
      message: 'failed to get client: MCP startup failed: No such file or directory (os error 2)',
    });
    const unknownThread = await rig.client.request('mcpServer/tool/call', {
      threadId: '00000000-0000-0000-0000-000000000000',
      server: 'fx',
      tool: 'echo',
    });
    assert.deepEqual(unknownThread.error, { code: -32600, message: 'thread not found: 00000000-0000-0000-0000-000000000000' });
    const missing = await rig.client.request('mcpServer/resource/read', { threadId, server: 'fx', uri: 'x://y' });
    assert.deepEqual(missing.error, { code: -32602, message: 'MCP error -32602: Resource x://y not found' });
  });

  it('applies startup_timeout_sec, enabled_tools / disabled_tools and env_vars as the reference does', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: [
        '[mcp_servers.sleepy]\ncommand = "sleep"\nargs = ["30"]\nstartup_timeout_sec = 1\n',
        stdioServerToml('fx', ['enabled_tools = ["echo", "ask", "slow"]', 'disabled_tools = ["ask"]', 'env_vars = ["FIXTURE_MARKER"]']),
      ].join('\n'),
      env: { FIXTURE_MARKER: 'from-env' },
    });
    const listed = (await rig.client.call('mcpServerStatus/list', {})).data;
    assert.deepEqual(Object.keys(listed[0]?.tools ?? {}).sort(), ['echo', 'slow']);
    assert.equal(listed[1]?.toolsError, 'MCP startup failed: timed out handshaking with MCP server after 1000ms: deadline has elapsed');
    const threadId = await startThread(rig.client);
    const failed = await rig.client.notification('mcpServer/startupStatus/updated', (params) => params.status === 'failed');
    assert.equal(
      failed.params.error,
      'MCP client for `sleepy` timed out after 1 seconds. Add or adjust `startup_timeout_sec` in your config.toml:\n' +
        '[mcp_servers.sleepy]\nstartup_timeout_sec = XX',
    );
    const call = await rig.client.call('mcpServer/tool/call', { threadId, server: 'fx', tool: 'echo', arguments: { text: 'x' } });
    assert.deepEqual(call.content, [{ type: 'text', text: 'echo: x [from-env]' }]);
  });

  it("follows a server's tools/list_changed", async (t) => {
    const rig = await startThreadRig(t, { configExtra: stdioServerToml('fx') });
    const threadId = await startThread(rig.client);
    await rig.client.call('mcpServer/tool/call', { threadId, server: 'fx', tool: 'grow', arguments: {} });
    for (let attempt = 0; ; attempt++) {
      const listed = await rig.client.call('mcpServerStatus/list', { threadId, serverName: 'fx' });
      if ('grown' in (listed.data[0]?.tools ?? {})) break;
      assert.ok(attempt < 50, 'the grown tool never appeared');
    }
  });

  it('reload gives loaded threads the servers configured now', async (t) => {
    const rig = await startThreadRig(t, { configExtra: stdioServerToml('fx') });
    const threadId = await startThread(rig.client);
    await rig.client.notification('mcpServer/startupStatus/updated', (params) => params.status === 'ready');
    const configPath = join(rig.server.codexHome, 'config.toml');
    const before = await readFile(configPath, 'utf8');
    await writeFile(configPath, before.replace('[mcp_servers.fx]', '[mcp_servers.fx2]'));
    // Sent without params at all (untyped), which the method accepts.
    assert.deepEqual(resultOf(await rig.client.request('config/mcpServer/reload')), {});
    await rig.client.notification(
      'mcpServer/startupStatus/updated',
      (params) => params.name === 'fx2' && params.status === 'ready',
    );
    const listed = await rig.client.call('mcpServerStatus/list', { threadId });
    assert.deepEqual(listed.data.map((s) => [s.name, s.runtimeStatus]), [['fx2', 'connected']]);
  });

  it('stops every MCP server process when the server shuts down', async (t) => {
    const pidFile = await makeTempFile(t, 'mcp-pids', '');
    const rig = await startThreadRig(t, {
      configExtra: stdioServerToml('fx', [`env = { FIXTURE_PID_FILE = ${JSON.stringify(pidFile)} }`]),
    });
    await startThread(rig.client);
    await startThread(rig.client);
    await rig.client.waitFor(
      () => rig.client.receivedParams('mcpServer/startupStatus/updated').filter((params) => params.status === 'ready').length === 2,
      'both ready',
    );
    const pids = (await readFile(pidFile, 'utf8')).split('\n').filter(Boolean).map(Number);
    assert.equal(pids.length, 2);
    await rig.server.server.close();
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `MCP server ${pid} still runs`);
  });
});

describe('required MCP servers', () => {
  it('refuses thread/start when a required server does not start', async (t) => {
    const rig = await startThreadRig(t, {
      configExtra: '[mcp_servers.gone]\ncommand = "/nonexistent/mcp-server"\nrequired = true\n',
    });
    const response = await rig.client.request('thread/start', {});
    assert.deepEqual(response.error, {
      code: -32603,
      message:
        'error creating thread: Fatal error: Failed to initialize session: required MCP servers failed to initialize: gone: No such file or directory (os error 2)',
    });
    assert.deepEqual((await rig.client.call('thread/loaded/list', {})).data, []);

  });
});
