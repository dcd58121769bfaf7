import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sameAnswer, startPair } from '../helpers/reference-pair.js';
import type { Pair } from '../helpers/reference-pair.js';
import type { RpcTestClient } from '../helpers/rpc-client.js';
import { MCP_FIXTURE } from '../helpers/mcp-fixture.js';
import { leftBehind } from '../helpers/temp-home.js';

/** The git URL marketplaces are added from; git rewrites it to a local bare repository (no network). */
const GIT_MARKETPLACE_URL = 'https://git.example.invalid/team/tools-marketplace.git';

/** A marketplace root: `local-mk` with an installable plugin (skill + MCP server) and one that is not available. */
async function writeLocalMarketplace(root: string): Promise<void> {
  await mkdir(join(root, '.agents/plugins'), { recursive: true });
  await mkdir(join(root, 'plugins/alpha/.codex-plugin'), { recursive: true });
  await mkdir(join(root, 'plugins/alpha/skills/greet'), { recursive: true });
  await writeFile(
    join(root, '.agents/plugins/marketplace.json'),
    JSON.stringify({
      name: 'local-mk',
      interface: { displayName: 'Local tools' },
      plugins: [
        { name: 'alpha', source: { source: 'local', path: './plugins/alpha' }, category: 'Developer tools' },
        { name: 'beta', source: './plugins/beta', policy: { installation: 'NOT_AVAILABLE' } },
        { name: 'escapes', source: '../outside' },
        { name: 'gamma', source: { source: 'git-subdir', url: GIT_MARKETPLACE_URL, path: './plugins/gamma', ref: 'main' } },
      ],
    }),
  );
  await writeFile(
    join(root, 'plugins/alpha/.codex-plugin/plugin.json'),
    JSON.stringify({
      name: 'alpha',
      version: '1.2.0',
      description: 'Alpha helps.',
      keywords: ['greeting'],
      interface: { displayName: 'Alpha', shortDescription: 'Says hello', defaultPrompt: ['  Say   hello ', ''] },
    }),
  );
  await writeFile(join(root, 'plugins/alpha/skills/greet/SKILL.md'), '---\nname: greet\ndescription: Greets people\n---\nSay hi.\n');
  await writeFile(join(root, 'plugins/alpha/.mcp.json'), JSON.stringify({ mcpServers: { echo: { command: 'true' } } }));
  await mkdir(join(root, 'plugins/alpha/hooks'), { recursive: true });
  const command = (text: string) => ({ type: 'command', command: text });
  await writeFile(
    join(root, 'plugins/alpha/hooks/hooks.json'),
    JSON.stringify({
      hooks: {
        PreToolUse: [{ matcher: 'Bash', hooks: [command('echo pre'), { type: 'prompt' }, command('echo again')] }],
        Stop: [{ hooks: [command('')] }, { hooks: [command('echo stop')] }],
      },
    }),
  );
}

/** Both servers, each on its own CODEX_HOME holding a git repository `repo` with the local marketplace. */
function startPluginPair(t: TestContext): Promise<Pair> {
  return startPair(t, 'model = "m"\n', async (home) => {
    await writeLocalMarketplace(join(home, 'repo'));
    execFileSync('git', ['init', '-q'], { cwd: join(home, 'repo') });
  });
}

const marketplacePath = (home: string): string => join(home, 'repo/.agents/plugins/marketplace.json');
const repoCwds = (home: string) => ({ cwds: [join(home, 'repo')] });

/** The entries of a config.toml file under `[plugins]` and `[marketplaces]`, for comparing what each server wrote. */
async function pluginConfig(home: string): Promise<string> {
  const text = await readFile(join(home, 'config.toml'), 'utf8').catch(() => '');
  return text
    .replaceAll(home, '<home>')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('model ='))
    .join('\n');
}

describe('plugins and marketplaces answer as the reference 0.169.0 does', () => {
  const saved = { ...process.env };
  let gitFixtures = '';
  before(async () => {
    // Both servers inherit this process's environment: an empty HOME (no ~/.agents marketplace) and a git that
    // fetches the "remote" marketplace from a local bare repository.
    gitFixtures = await realpath(await mkdtemp(join(tmpdir(), 'plugin-git-')));
    const source = join(gitFixtures, 'source');
    await mkdir(join(source, '.agents/plugins'), { recursive: true });
    await mkdir(join(source, 'plugins/gamma/.codex-plugin'), { recursive: true });
    await writeFile(
      join(source, '.agents/plugins/marketplace.json'),
      JSON.stringify({ name: 'tools-mk', plugins: [{ name: 'gamma', source: './plugins/gamma' }] }),
    );
    await writeFile(join(source, 'plugins/gamma/.codex-plugin/plugin.json'), JSON.stringify({ name: 'gamma' }));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: source, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'catalogue');
    execFileSync('git', ['clone', '-q', '--bare', source, join(gitFixtures, 'remote.git')]);
    await mkdir(join(gitFixtures, 'home'));
    Object.assign(process.env, {
      HOME: join(gitFixtures, 'home'),
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `url.file://${join(gitFixtures, 'remote.git')}.insteadOf`,
      GIT_CONFIG_VALUE_0: GIT_MARKETPLACE_URL,
    });
  });
  after(async () => {
    for (const key of ['HOME', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await rm(gitFixtures, { recursive: true, force: true }).catch(leftBehind);
  });

  it('plugin/list, read, install, installed and uninstall over a repository marketplace, with their refusals', async (t) => {
    const pair = await startPluginPair(t);
    await sameAnswer(pair, 'plugin/list', () => ({}));
    await sameAnswer(pair, 'plugin/list', repoCwds);
    await sameAnswer(pair, 'plugin/installed', repoCwds);
    await sameAnswer(pair, 'plugin/read', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'alpha' }));
    await sameAnswer(pair, 'plugin/read', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'nope' }));
    await sameAnswer(pair, 'plugin/read', (home) => ({ marketplacePath: join(home, 'none.json'), pluginName: 'a' }));
    await sameAnswer(pair, 'plugin/read', () => ({ pluginName: 'alpha' }));
    await sameAnswer(pair, 'plugin/install', () => ({ pluginName: 'alpha' }));
    await sameAnswer(pair, 'plugin/install', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'beta' }));
    await sameAnswer(pair, 'plugin/install', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'nope' }));

    await sameAnswer(pair, 'plugin/install', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'alpha' }));
    assert.equal(await pluginConfig(pair.oursHome), await pluginConfig(pair.referenceHome));
    for (const home of [pair.oursHome, pair.referenceHome]) {
      assert.ok((await stat(join(home, 'plugins/cache/local-mk/alpha/1.2.0/skills/greet/SKILL.md'))).isFile());
    }
    await sameAnswer(pair, 'plugin/installed', () => ({}));
    await sameAnswer(pair, 'plugin/installed', repoCwds);
    await sameAnswer(pair, 'plugin/read', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'gamma' }));
    await sameAnswer(pair, 'plugin/install', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'gamma' }));
    await sameAnswer(pair, 'plugin/read', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'gamma' }));
    await sameAnswer(pair, 'plugin/list', repoCwds);
    await sameAnswer(pair, 'plugin/read', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'alpha' }));

    // The installed plugin's skill joins skills/list (the other skills are each server's own system skills).
    const pluginSkills = async (client: RpcTestClient, home: string) => {
      const listed = await client.request('skills/list', repoCwds(home));
      const data = (listed['result'] as { data: Array<{ skills: Array<{ pluginId: string | null }> }> }).data;
      return JSON.parse(JSON.stringify(data[0]?.skills.filter((s) => s.pluginId !== null)).replaceAll(home, '<home>'));
    };
    const ourSkills = await pluginSkills(pair.ours, pair.oursHome);
    assert.deepEqual(ourSkills, await pluginSkills(pair.reference, pair.referenceHome));
    assert.equal(ourSkills.length, 1);

    await sameAnswer(pair, 'plugin/uninstall', () => ({ pluginId: 'alpha@local-mk' }));
    await sameAnswer(pair, 'plugin/uninstall', () => ({ pluginId: 'alpha@local-mk' }));
    assert.equal(await pluginConfig(pair.oursHome), await pluginConfig(pair.referenceHome));
    await sameAnswer(pair, 'plugin/installed', repoCwds);
    await sameAnswer(pair, 'plugin/reconcile', () => ({}));
    await sameAnswer(pair, 'plugin/reconcile', () => ({ reason: 'manual' }));
  });

  it('marketplace/add, upgrade and remove with local and git sources, and what plugin/list then shows', async (t) => {
    const pair = await startPluginPair(t);
    await sameAnswer(pair, 'marketplace/add', (home) => ({ source: join(home, 'repo') }));
    await sameAnswer(pair, 'marketplace/add', (home) => ({ source: join(home, 'repo') }));
    await sameAnswer(pair, 'marketplace/add', () => ({ source: '' }));
    await sameAnswer(pair, 'marketplace/add', () => ({ source: '  ' }));
    await sameAnswer(pair, 'marketplace/add', (home) => ({ source: join(home, 'missing') }));
    await sameAnswer(pair, 'marketplace/add', (home) => ({ source: home }));
    await sameAnswer(pair, 'marketplace/add', (home) => ({ source: join(home, 'repo'), sparsePaths: ['x'] }));
    await sameAnswer(pair, 'marketplace/add', () => ({ source: 'file:///tmp/x.git' }));
    await sameAnswer(pair, 'marketplace/add', () => ({ source: 'not a source' }));
    await sameAnswer(pair, 'plugin/list', () => ({}));
    await sameAnswer(pair, 'marketplace/upgrade', () => ({}));
    await sameAnswer(pair, 'marketplace/upgrade', () => ({ marketplaceName: 'local-mk' }));
    // A clone that fails is an internal error naming the command (its staging directory is random on both).
    const missing = 'https://git.example.invalid/team/missing.git';
    for (const [client, home] of [[pair.ours, pair.oursHome], [pair.reference, pair.referenceHome]] as const) {
      const failed = (await client.request('marketplace/add', { source: missing }))['error'] as { code: number; message: string };
      assert.equal(failed.code, -32603);
      assert.ok(failed.message.startsWith(`git clone ${missing} ${home}/.tmp/marketplaces/.staging/`), failed.message);
      assert.match(failed.message, /failed with status exit status: 128\nstdout:\n/);
    }

    await sameAnswer(pair, 'marketplace/add', () => ({ source: GIT_MARKETPLACE_URL, refName: 'main' }));
    await sameAnswer(pair, 'marketplace/add', () => ({ source: GIT_MARKETPLACE_URL, refName: 'main' }));
    assert.equal(await pluginConfig(pair.oursHome), await pluginConfig(pair.referenceHome));
    await sameAnswer(pair, 'plugin/list', () => ({}));
    const gitMarketplace = (home: string) => join(home, '.tmp/marketplaces/tools-mk/.agents/plugins/marketplace.json');
    await sameAnswer(pair, 'plugin/install', (home) => ({ marketplacePath: gitMarketplace(home), pluginName: 'gamma' }));
    await sameAnswer(pair, 'plugin/installed', () => ({}));
    await sameAnswer(pair, 'marketplace/upgrade', () => ({}));
    await sameAnswer(pair, 'marketplace/upgrade', () => ({ marketplaceName: 'tools-mk' }));
    await sameAnswer(pair, 'marketplace/upgrade', () => ({}));

    await sameAnswer(pair, 'marketplace/remove', () => ({ marketplaceName: 'tools-mk' }));
    await sameAnswer(pair, 'marketplace/remove', () => ({ marketplaceName: 'local-mk' }));
    await sameAnswer(pair, 'marketplace/remove', () => ({ marketplaceName: 'local-mk' }));
    assert.equal(await pluginConfig(pair.oursHome), await pluginConfig(pair.referenceHome));
    await sameAnswer(pair, 'plugin/list', () => ({}));
  });

  it("an enabled plugin's MCP servers are started beside the configured ones", async (t) => {
    const pair = await startPluginPair(t);
    const fixture = { command: 'node', args: [MCP_FIXTURE] };
    for (const home of [pair.oursHome, pair.referenceHome]) {
      await writeFile(join(home, 'repo/plugins/alpha/.mcp.json'), JSON.stringify({ mcpServers: { 'plugin-fixture': fixture } }));
    }
    await sameAnswer(pair, 'plugin/install', (home) => ({ marketplacePath: marketplacePath(home), pluginName: 'alpha' }));
    const servers = async (client: RpcTestClient) => {
      const listed = (await client.request('mcpServerStatus/list', {}))['result'] as {
        data: Array<{ name: string; tools: Record<string, unknown>; toolsError: string | null }>;
      };
      return listed.data.map((server) => [server.name, Object.keys(server.tools).sort(), server.toolsError]);
    };
    const ours = await servers(pair.ours);
    assert.deepEqual(ours, await servers(pair.reference));
    assert.deepEqual(ours.map(([name]) => name), ['plugin-fixture']);
  });

  for (const login of ['none', 'apiKey'] as const) {
    it(`plugin sharing, remote catalogues and apps without a ChatGPT login (${login})`, async (t) => {
      const pair = await startPluginPair(t);
      if (login === 'apiKey') await sameAnswer(pair, 'account/login/start', () => ({ type: 'apiKey', apiKey: 'sk-test' }));
      await sameAnswer(pair, 'plugin/share/list', () => ({}));
      await sameAnswer(pair, 'plugin/share/save', (home) => ({ pluginPath: join(home, 'repo/plugins/alpha') }));
      await sameAnswer(pair, 'plugin/share/save', () => ({}));
      await sameAnswer(pair, 'plugin/share/updateTargets', () => ({
        remotePluginId: 'r',
        discoverability: 'PRIVATE',
        shareTargets: [{ principalType: 'user', principalId: 'u', role: 'reader' }],
      }));
      await sameAnswer(pair, 'plugin/share/checkout', () => ({ remotePluginId: 'r' }));
      await sameAnswer(pair, 'plugin/share/delete', () => ({ remotePluginId: 'r' }));
      await sameAnswer(pair, 'plugin/skill/read', () => ({ remoteMarketplaceName: 'm', remotePluginId: 'p', skillName: 's' }));
      await sameAnswer(pair, 'plugin/read', () => ({ remoteMarketplaceName: 'm', pluginName: 'p' }));
      await sameAnswer(pair, 'plugin/install', () => ({ remoteMarketplaceName: 'm', pluginName: 'p' }));
      await sameAnswer(pair, 'plugin/uninstall', () => ({ pluginId: 'remote-id' }));
      await sameAnswer(pair, 'plugin/list', () => ({ marketplaceKinds: ['shared-with-me'] }));
      await sameAnswer(pair, 'plugin/list', (home) => ({ marketplaceKinds: ['local'], cwds: [join(home, 'repo')] }));
      await sameAnswer(pair, 'app/list', () => ({}));
      await sameAnswer(pair, 'app/list', () => ({ limit: 5, forceRefetch: true }));
      await sameAnswer(pair, 'app/read', () => ({ appIds: ['a', 'b', 'a'] }));
      await sameAnswer(pair, 'app/read', () => ({}));
      await sameAnswer(pair, 'app/installed', () => ({}));
    });
  }
});
