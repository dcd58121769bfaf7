import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { startServerWithHome, writeClaudeFixture } from '../../helpers/claude-config-fixture.js';
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

async function importItems(client: RpcTestClient, migrationItems: unknown[]) {
  const answer = await client.request('externalAgentConfig/import', { migrationItems });
  const { importId } = answer.result as { importId: string };
  return client.waitFor(
    (m) => m.method === 'externalAgentConfig/import/completed' && (m.params as { importId: string }).importId === importId,
    'import completed',
  );
}

describe('importing Claude Code configuration', () => {
  it('imports only the MCP servers the item names, and the server reads them at once', async (t) => {
    const { client, codexHome } = await start(t);
    const completed = await importItems(client, [
      { itemType: 'MCP_SERVER_CONFIG', description: 'one server', cwd: null, details: { mcpServers: [{ name: 'docs' }] } },
    ]);
    assert.deepEqual(completed.params, {
      importId: (completed.params as { importId: string }).importId,
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
    const read = await client.request('config/read', {});
    const config = (read.result as { config: { mcp_servers?: Record<string, unknown> } }).config;
    assert.deepEqual(Object.keys(config.mcp_servers ?? {}), ['docs']);
    // The server left is still offered.
    const detected = await client.request('externalAgentConfig/detect', { includeHome: true });
    const mcp = (detected.result as { items: Array<{ itemType: string; details?: { mcpServers: unknown[] } }> }).items.find(
      (item) => item.itemType === 'MCP_SERVER_CONFIG',
    );
    assert.deepEqual(mcp?.details?.mcpServers, [{ name: 'web' }]);
  });

  it('a cwd inside a git repository is detected at the repository root, once', async (t) => {
    const { client, repo } = await start(t);
    await mkdir(join(repo, '.git'));
    await mkdir(join(repo, 'src', 'deep'), { recursive: true });
    const detected = await client.request('externalAgentConfig/detect', {
      cwds: [join(repo, 'src', 'deep'), join(repo, 'src'), repo],
    });
    const items = (detected.result as { items: Array<{ itemType: string; cwd: string }> }).items;
    assert.deepEqual(
      items.map((item) => [item.itemType, item.cwd]),
      [
        ['MCP_SERVER_CONFIG', repo],
        ['AGENTS_MD', repo],
      ],
    );
  });
});
