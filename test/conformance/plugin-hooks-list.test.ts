import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { answer, startPair } from '../helpers/reference-pair.js';
import type { Pair } from '../helpers/reference-pair.js';
import type { RpcTestClient } from '../helpers/rpc-client.js';

const command = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'command', command: text, ...extra });

/**
 * A marketplace whose plugins declare hooks every way a package can: `zeta` in its default hooks file (with the
 * package placeholders, every handler option, and handlers the engine skips), `beta` inline in plugin.json (two
 * tables), `quiet` in a hooks file it names, which is turned off after installing.
 */
async function writeMarketplace(root: string): Promise<void> {
  const plugin = async (name: string, manifest: Record<string, unknown>, files: Record<string, unknown> = {}) => {
    await mkdir(join(root, 'plugins', name, '.codex-plugin'), { recursive: true });
    await writeFile(join(root, 'plugins', name, '.codex-plugin/plugin.json'), JSON.stringify({ name, ...manifest }));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(root, 'plugins', name, path, '..'), { recursive: true });
      await writeFile(join(root, 'plugins', name, path), JSON.stringify(content));
    }
  };
  await mkdir(join(root, '.agents/plugins'), { recursive: true });
  await writeFile(
    join(root, '.agents/plugins/marketplace.json'),
    JSON.stringify({ name: 'tools', plugins: ['zeta', 'beta', 'quiet'].map((name) => ({ name, source: `./plugins/${name}` })) }),
  );
  await plugin('zeta', { version: '2.1.0' }, {
    'hooks/hooks.json': {
      hooks: {
        Stop: [{ matcher: 'ignored', hooks: [command('${PLUGIN_ROOT}/stop.sh ${PLUGIN_DATA} ${CLAUDE_PLUGIN_ROOT} $PLUGIN_ROOT')] }],
        PreToolUse: [
          { matcher: 'Bash', hooks: [command('echo pre'), { type: 'prompt' }, command('echo again', { timeout: 5, statusMessage: 'Checking', async: true })] },
          { hooks: [command('  ')] },
        ],
      },
    },
  });
  const inline = { hooks: { UserPromptSubmit: [{ hooks: [command('echo prompt')] }] } };
  await plugin('beta', { hooks: [inline, { hooks: { SessionStart: [{ matcher: 'startup', hooks: [command('echo start')] }] } }] });
  await plugin('quiet', { hooks: './extra/hooks.json' }, { 'extra/hooks.json': { hooks: { Stop: [{ hooks: [command('echo quiet')] }] } } });
}

const marketplacePath = (home: string): string => join(home, 'repo/.agents/plugins/marketplace.json');

/**
 * hooks/list's answer with the home written `<home>` and the package digest of each trust hash written
 * `<package>`: the reference computes that digest its own way (see plugin-hook-sources.ts), so only its form is
 * compared. Every plugin hook's hash must have both parts.
 */
async function listedHooks(client: RpcTestClient, home: string): Promise<unknown> {
  const listed = answer(await client.request('hooks/list', { cwds: [home] }), home) as { result: { data: Array<{ hooks: Array<Record<string, unknown>> }> } };
  for (const entry of listed.result.data) {
    for (const hook of entry.hooks) {
      if (hook['source'] !== 'plugin') continue;
      const hash = String(hook['currentHash']);
      assert.match(hash, /^sha256:[0-9a-f]{64}\/sha256:[0-9a-f]{64}$/, `${String(hook['key'])}: ${hash}`);
      hook['currentHash'] = hash.replace(/\/sha256:[0-9a-f]{64}$/, '/<package>');
    }
  }
  return listed;
}

async function bothListed(pair: Pair): Promise<unknown> {
  const ours = await listedHooks(pair.ours, pair.oursHome);
  assert.deepEqual(ours, await listedHooks(pair.reference, pair.referenceHome));
  return ours;
}

/** Writes `hooks.state` entries with config/batchWrite, as a client trusts or turns off hooks. */
async function writeStates(client: RpcTestClient, states: Record<string, unknown>): Promise<void> {
  const response = await client.request('config/batchWrite', { edits: [{ keyPath: 'hooks.state', value: states, mergeStrategy: 'upsert' }] });
  assert.equal(response['error'], undefined, JSON.stringify(response['error']));
}

describe('hooks/list includes the hooks of enabled plugins as the reference 0.169.0 lists them', () => {
  it('keys, source, placeholders, order, skipped handlers, trust and turning off', async (t) => {
    const pair = await startPair(t, 'model = "m"\n', (home) => writeMarketplace(join(home, 'repo')));
    // Installed out of name order: plugins are listed by id, not in config.toml's order.
    for (const name of ['zeta', 'quiet', 'beta']) {
      for (const [client, home] of [[pair.ours, pair.oursHome], [pair.reference, pair.referenceHome]] as const) {
        const installed = await client.request('plugin/install', { marketplacePath: marketplacePath(home), pluginName: name });
        assert.equal(installed['error'], undefined, JSON.stringify(installed['error']));
      }
    }
    const listed = (await bothListed(pair)) as { result: { data: Array<{ hooks: Array<{ key: string }> }> } };
    assert.deepEqual(
      listed.result.data[0]?.hooks.map((hook) => hook.key),
      [
        'beta@tools:plugin.json#hooks[0]:user_prompt_submit:0:0',
        'beta@tools:plugin.json#hooks[1]:session_start:0:0',
        'quiet@tools:extra/hooks.json:stop:0:0',
        'zeta@tools:hooks/hooks.json:pre_tool_use:0:0',
        'zeta@tools:hooks/hooks.json:pre_tool_use:0:2',
        'zeta@tools:hooks/hooks.json:stop:0:0',
      ],
    );

    // Trusted with the hash each server lists, trusted with a stale hash, turned off; a disabled plugin drops out.
    for (const client of [pair.ours, pair.reference]) {
      const hooks = ((await client.request('hooks/list', {}))['result'] as { data: Array<{ hooks: Array<{ key: string; currentHash: string }> }> })
        .data[0]?.hooks ?? [];
      const hashOf = (key: string) => hooks.find((hook) => hook.key === key)?.currentHash;
      await writeStates(client, {
        'zeta@tools:hooks/hooks.json:pre_tool_use:0:0': { trusted_hash: hashOf('zeta@tools:hooks/hooks.json:pre_tool_use:0:0') },
        'zeta@tools:hooks/hooks.json:stop:0:0': { trusted_hash: 'sha256:stale' },
        'beta@tools:plugin.json#hooks[0]:user_prompt_submit:0:0': { enabled: false },
      });
      const off = await client.request('config/value/write', { keyPath: 'plugins."quiet@tools".enabled', value: false, mergeStrategy: 'replace' });
      assert.equal(off['error'], undefined, JSON.stringify(off['error']));
    }
    const trusted = (await bothListed(pair)) as {
      result: { data: Array<{ hooks: Array<{ key: string; trustStatus: string; enabled: boolean }> }> };
    };
    assert.deepEqual(
      trusted.result.data[0]?.hooks.map((hook) => [hook.key, hook.trustStatus, hook.enabled]),
      [
        ['beta@tools:plugin.json#hooks[0]:user_prompt_submit:0:0', 'untrusted', false],
        ['beta@tools:plugin.json#hooks[1]:session_start:0:0', 'untrusted', true],
        ['zeta@tools:hooks/hooks.json:pre_tool_use:0:0', 'trusted', true],
        ['zeta@tools:hooks/hooks.json:pre_tool_use:0:2', 'untrusted', true],
        ['zeta@tools:hooks/hooks.json:stop:0:0', 'modified', true],
      ],
    );

    // A file added to the installed package changes the package part of its hooks' hashes: the trusted one now
    // reads as modified, on both servers.
    for (const home of [pair.oursHome, pair.referenceHome]) {
      await writeFile(join(home, 'plugins/cache/tools/zeta/2.1.0/NOTES.md'), 'changed\n');
    }
    const changed = (await bothListed(pair)) as typeof trusted;
    const once = changed.result.data[0]?.hooks.find((hook) => hook.key === 'zeta@tools:hooks/hooks.json:pre_tool_use:0:0');
    assert.equal(once?.trustStatus, 'modified');
  });
});
