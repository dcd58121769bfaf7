import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { startServerWithHome, writeClaudeFixture } from '../../helpers/claude-config-fixture.js';
import type { ParamsOf } from '../../helpers/protocol-types.js';
import type { RpcTestClient } from '../../helpers/rpc-client.js';

import { leftBehind } from '../../helpers/temp-home.js';

/** Our server with the Claude Code fixture as HOME (CODEX_HOME nested in it, so skills land inside the fixture). */
async function start(t: TestContext) {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'claude-import-')));
  t.after(() => rm(root, { recursive: true, force: true, maxRetries: 5 }).catch(leftBehind));
  const fixture = await writeClaudeFixture(root);
  const client = await startServerWithHome(t, fixture.home, fixture.codexHome);
  return { client, root, ...fixture };
}

async function importItems(client: RpcTestClient, migrationItems: ParamsOf<'externalAgentConfig/import'>['migrationItems']) {
  const { importId } = await client.call('externalAgentConfig/import', { migrationItems });
  return client.notification('externalAgentConfig/import/completed', (params) => params.importId === importId);
}

describe('importing Claude Code configuration', () => {
  it('imports only the MCP servers the item names, and the server reads them at once', async (t) => {
    const { client, codexHome } = await start(t);
    const completed = await importItems(client, [
      { itemType: 'MCP_SERVER_CONFIG', description: 'one server', cwd: null, details: { mcpServers: [{ name: 'docs' }] } },
    ]);
    assert.deepEqual(completed.params, {
      importId: completed.params.importId,
      itemTypeResults: [
        {
          itemType: 'MCP_SERVER_CONFIG',
          successes: [{ itemType: 'MCP_SERVER_CONFIG', cwd: null, source: 'docs', target: 'docs', title: null }],
          failures: [],
        },
      ],
    });
    const text = await readFile(join(codexHome, 'config.toml'), 'utf8');
    assert.match(text, /^# my settings\nmodel = "m" # kept\n/);
    assert.match(text, /\[mcp_servers\.docs\]/);
    assert.doesNotMatch(text, /mcp_servers\.web/);
    const { config } = await client.call('config/read', {});
    assert.deepEqual(Object.keys(config.mcp_servers ?? {}), ['docs']);
    // The server left is still offered.
    const detected = await client.call('externalAgentConfig/detect', { includeHome: true });
    const mcp = detected.items.find((item) => item.itemType === 'MCP_SERVER_CONFIG');
    assert.deepEqual(mcp?.details?.mcpServers, [{ name: 'web' }]);
  });

  it('a cwd inside a git repository is detected at the repository root, once', async (t) => {
    const { client, repo } = await start(t);
    await mkdir(join(repo, '.git'));
    await mkdir(join(repo, 'src', 'deep'), { recursive: true });
    const { items } = await client.call('externalAgentConfig/detect', {
      cwds: [join(repo, 'src', 'deep'), join(repo, 'src'), repo],
    });
    assert.deepEqual(
      items.map((item) => [item.itemType, item.cwd]),
      [
        ['MCP_SERVER_CONFIG', repo],
        ['AGENTS_MD', repo],
      ],
    );
  });
});
