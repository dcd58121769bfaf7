import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { sseReply, textTurnFrames } from '../../helpers/fake-model-server.js';
import { startBothSides } from '../../helpers/side-by-side.js';
import type { Side } from '../../helpers/side-by-side.js';
import { resultOf, startTextTurn, startThread, turnCompleted } from '../../helpers/thread-server.js';
import { hookRuns, hookScriptDir } from './hook-rig.js';

/** Commands run as they are, on both sides: the reference's sandbox helper is not installed here. */
const CONFIG = 'sandbox_mode = "danger-full-access"';

/**
 * `record.sh <Event> <who>` appends one line to `log/lines` naming the run, its working directory and the plugin
 * variables it finds in its environment, and saves its stdin as `log/<who>.<Event>.json`.
 */
const RECORD = `#!/bin/sh
log="$(dirname "$0")/log"
[ -d "\${PLUGIN_DATA:-/nonexistent}" ] && data_dir=exists || data_dir=missing
echo "$2 $1 cwd=$(pwd) PLUGIN_ROOT=\${PLUGIN_ROOT-unset} CLAUDE_PLUGIN_ROOT=\${CLAUDE_PLUGIN_ROOT-unset} PLUGIN_DATA=\${PLUGIN_DATA-unset} CLAUDE_PLUGIN_DATA=\${CLAUDE_PLUGIN_DATA-unset} data_dir=$data_dir arg=$3" >> "$log/lines"
cat > "$log/$2.$1.json"
`;

const EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop'] as const;

/** A hooks table running `command(event)` at each event. */
function hooksTable(command: (event: string) => string): unknown {
  return { hooks: Object.fromEntries(EVENTS.map((event) => [event, [{ hooks: [{ type: 'command', command: command(event), timeout: 10 }] }]])) };
}

/**
 * A marketplace under the side's home with plugins recording their hooks: `recorder` (trusted, enabled), `wary`
 * (enabled, its hooks left untrusted), `off` (trusted, then the plugin turned off) and `inline` (its hooks in
 * plugin.json, one table per event; trusted, its Stop hook turned off in `hooks.state`).
 */
async function installPlugins(side: Side, script: string): Promise<void> {
  const root = join(side.codexHome, 'repo');
  const names = ['recorder', 'wary', 'off', 'inline'];
  await mkdir(join(root, '.agents/plugins'), { recursive: true });
  await writeFile(
    join(root, '.agents/plugins/marketplace.json'),
    JSON.stringify({ name: 'tools', plugins: names.map((name) => ({ name, source: `./plugins/${name}` })) }),
  );
  for (const name of names) {
    const dir = join(root, 'plugins', name);
    await mkdir(join(dir, '.codex-plugin'), { recursive: true });
    await mkdir(join(dir, 'hooks'), { recursive: true });
    // The placeholder in the command line, the variables in the environment: both are recorded.
    const table = hooksTable((event) => `${script} ${event} ${name} \${PLUGIN_ROOT}`) as { hooks: Record<string, unknown> };
    const manifest =
      name === 'inline'
        ? { name, version: '1.0.0', hooks: Object.entries(table.hooks).map(([event, groups]) => ({ hooks: { [event]: groups } })) }
        : { name, version: '1.0.0' };
    await writeFile(join(dir, '.codex-plugin/plugin.json'), JSON.stringify(manifest));
    if (name !== 'inline') await writeFile(join(dir, 'hooks/hooks.json'), JSON.stringify(table));
    const installed = await side.client.request('plugin/install', {
      marketplacePath: join(root, '.agents/plugins/marketplace.json'),
      pluginName: name,
    });
    assert.equal(installed['error'], undefined, JSON.stringify(installed['error']));
  }
}

/** Trusts every listed hook but `wary`'s, with the hash this server lists; turns `inline`'s Stop hook off. */
async function trustHooks(side: Side): Promise<void> {
  const listed = resultOf(await side.client.request('hooks/list', {})) as {
    data: { hooks: { key: string; currentHash: string; pluginId: string | null }[] }[];
  };
  const value: Record<string, unknown> = {};
  for (const hook of listed.data[0]?.hooks ?? []) {
    if (hook.pluginId === 'wary@tools') continue;
    const off = hook.key === 'inline@tools:plugin.json#hooks[2]:stop:0:0';
    value[hook.key] = { trusted_hash: hook.currentHash, ...(off ? { enabled: false } : {}) };
  }
  const edits = [{ keyPath: 'hooks.state', value, mergeStrategy: 'upsert' }];
  resultOf(await side.client.request('config/batchWrite', { edits }));
}

interface Observed {
  readonly lines: string[];
  readonly inputs: Record<string, unknown>;
  readonly runs: Record<string, unknown>[];
}

/** One turn on `side` with a configured hook and the plugins' hooks recording what they were given. */
async function recordedTurn(t: TestContext, side: Side): Promise<Observed> {
  const { client, codexHome, cwd } = side;
  const dir = await hookScriptDir(t);
  const script = join(dir, 'record.sh');
  await writeFile(script, RECORD);
  await chmod(script, 0o755);
  await writeFile(join(codexHome, 'hooks.json'), JSON.stringify(hooksTable((event) => `${script} ${event} config`)));
  await installPlugins(side, script);
  await trustHooks(side);
  const off = await client.request('config/value/write', { keyPath: 'plugins."off@tools".enabled', value: false, mergeStrategy: 'replace' });
  assert.equal(off['error'], undefined, JSON.stringify(off['error']));

  const threadId = await startThread(client, { cwd });
  const from = client.received.length;
  await turnCompleted(client, await startTextTurn(client, threadId, 'hello'));
  const named = (text: string) => text.split(codexHome).join('<home>').split(cwd).join('<cwd>');
  const inputs: Record<string, unknown> = {};
  for (const name of (await readdir(join(dir, 'log'))).filter((file) => file.endsWith('.json')).sort()) {
    const input = JSON.parse(named(await readFile(join(dir, 'log', name), 'utf8'))) as Record<string, unknown>;
    for (const key of ['session_id', 'turn_id', 'transcript_path']) if (key in input) input[key] = typeof input[key];
    inputs[name] = input;
  }
  // The hooks of one event run at once: their lines are compared in a stable order.
  const lines = named(await readFile(join(dir, 'log/lines'), 'utf8')).split('\n').filter(Boolean).sort();
  return { lines, inputs, runs: hookRuns(client.received.slice(from), codexHome) };
}

describe('the hooks of enabled plugins run', () => {
  it('with the package placeholders and variables, after the configured hooks, trusted and enabled only, as the reference 0.169.0 runs them', async (t) => {
    const replies = () => [sseReply(textTurnFrames(['done']))];
    const sides = await startBothSides(t, replies, CONFIG);
    const [ours, reference] = await Promise.all(sides.map((side) => recordedTurn(t, side)));
    assert.ok(ours !== undefined && reference !== undefined);

    // In the thread's cwd, with the package's directories in the command line and the environment (the data
    // directory is named, not created); `wary`'s untrusted hooks, the turned-off `off`'s and `inline`'s turned-off
    // Stop hook never run; inline manifest tables run as hook files do.
    const root = (name: string) => `<home>/plugins/cache/tools/${name}/1.0.0`;
    const vars = (name: string) => {
      const data = `<home>/plugins/data/${name}-tools`;
      return `PLUGIN_ROOT=${root(name)} CLAUDE_PLUGIN_ROOT=${root(name)} PLUGIN_DATA=${data} CLAUDE_PLUGIN_DATA=${data} data_dir=missing arg=${root(name)}`;
    };
    const unset = 'PLUGIN_ROOT=unset CLAUDE_PLUGIN_ROOT=unset PLUGIN_DATA=unset CLAUDE_PLUGIN_DATA=unset data_dir=missing arg=';
    assert.deepEqual(ours.lines, reference.lines);
    assert.deepEqual(ours.lines, [
      ...['SessionStart', 'Stop', 'UserPromptSubmit'].map((event) => `config ${event} cwd=<cwd> ${unset}`),
      ...['SessionStart', 'UserPromptSubmit'].map((event) => `inline ${event} cwd=<cwd> ${vars('inline')}`),
      ...['SessionStart', 'Stop', 'UserPromptSubmit'].map((event) => `recorder ${event} cwd=<cwd> ${vars('recorder')}`),
    ]);

    // Each event's configured hook is started first, then the plugins', numbered by their place in hooks/list.
    assert.deepEqual(ours.runs, reference.runs);
    const manifest = `${root('inline')}/.codex-plugin/plugin.json plugin`;
    const hooksFile = `${root('recorder')}/hooks/hooks.json plugin`;
    assert.deepEqual(
      ours.runs.filter((run) => run.method === 'hook/started').map((run) => `${String(run.id)} ${String(run.source)}`),
      [
        'session-start:0:<home>/hooks.json user',
        `session-start:3:${manifest}`,
        `session-start:6:${hooksFile}`,
        'user-prompt-submit:1:<home>/hooks.json user',
        `user-prompt-submit:4:${manifest}`,
        `user-prompt-submit:7:${hooksFile}`,
        'stop:2:<home>/hooks.json user',
        `stop:8:${hooksFile}`,
      ],
    );

    // A plugin's hooks read the same input as the configured ones.
    assert.deepEqual(ours.inputs['recorder.Stop.json'], ours.inputs['config.Stop.json']);
    assert.deepEqual(ours.inputs, reference.inputs);
  });
});
