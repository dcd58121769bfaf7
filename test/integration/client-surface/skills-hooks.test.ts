import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { resultOf } from '../../helpers/thread-server.js';

const MOCK = 'model = "mock-model"\nmodel_provider = "mock"\n[model_providers.mock]\nname = "mock"\nbase_url = "http://127.0.0.1:9/v1"\n';

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'client-surface-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function connect(t: TestContext, configToml: string) {
  const server = await startTestServer(t, {}, configToml);
  const client = await RpcTestClient.connect(server.url);
  t.after(() => client.close());
  await client.initialize({ experimentalApi: true });
  return { client, codexHome: await realpath(server.codexHome) };
}

type Skill = Record<string, unknown> & { name: string; scope: string; path: string };

describe('skills/list', () => {
  it('finds SKILL.md files in the project and in CODEX_HOME, with the reference order and errors', async (t) => {
    const project = await tempDir(t);
    await mkdir(join(project, '.git'));
    const { client, codexHome } = await connect(t, MOCK);
    await put(join(project, '.codex/skills/gamma/SKILL.md'), '---\nname: gamma\ndescription: Gamma repo skill\n---\nbody\n');
    await put(
      join(project, '.codex/skills/gamma/agents/openai.yaml'),
      'interface:\n  display_name: "Gamma"\n  short_description: "Gamma short"\n  brand_color: "#ff0000"\n  default_prompt: "Use gamma"\n  icon_small: "./missing.svg"\ndependencies:\n  tools:\n    - type: mcp\n      value: foo\n',
    );
    await put(join(project, '.agents/skills/delta/SKILL.md'), '---\nname: delta\ndescription: Delta\n---\n');
    await put(join(project, 'sub/.codex/skills/inner/SKILL.md'), '---\nname: inner\ndescription: >\n  Folded line one\n  line two\n---\n');
    await put(
      join(codexHome, 'skills/alpha/SKILL.md'),
      '---\nname: alpha\ndescription: |\n  Alpha   does\n  things.\nmetadata:\n  short-description: Alpha short\n---\n',
    );
    await put(join(codexHome, 'skills/nested/deep/beta/SKILL.md'), '---\nname: "beta: quoted"\ndescription: Beta\n---\n');
    await put(join(codexHome, 'skills/.hidden/SKILL.md'), '---\nname: hidden\ndescription: never listed\n---\n');
    await put(join(codexHome, 'skills/bad/SKILL.md'), '---\nname: bad\n---\n');
    await put(join(codexHome, 'skills/none/SKILL.md'), '# no front matter\n');
    await put(join(codexHome, 'skills/long/SKILL.md'), `---\nname: ${'n'.repeat(65)}\ndescription: x\n---\n`);

    const cwd = join(project, 'sub');
    const result = await client.call('skills/list', { cwds: [cwd], forceReload: true });
    const [entry] = result.data;
    assert.equal(entry?.cwd, cwd);
    assert.deepEqual(
      entry?.skills.map((s) => [s.name, s.scope]),
      [['delta', 'repo'], ['gamma', 'repo'], ['inner', 'repo'], ['alpha', 'user'], ['beta: quoted', 'user']],
    );
    const byName = new Map(entry?.skills.map((s) => [s.name, s]));
    assert.deepEqual(byName.get('gamma'), {
      name: 'gamma',
      description: 'Gamma repo skill',
      interface: {
        displayName: 'Gamma',
        shortDescription: 'Gamma short',
        iconSmall: null,
        iconLarge: null,
        iconSmallUrl: null,
        iconLargeUrl: null,
        brandColor: '#ff0000',
        defaultPrompt: 'Use gamma',
      },
      dependencies: { tools: [{ type: 'mcp', value: 'foo' }] },
      path: join(project, '.codex/skills/gamma/SKILL.md'),
      scope: 'repo',
      enabled: true,
      pluginId: null,
    });
    assert.equal(byName.get('inner')?.description, 'Folded line one line two');
    assert.deepEqual(byName.get('alpha'), {
      name: 'alpha',
      description: 'Alpha does things.',
      shortDescription: 'Alpha short',
      path: join(codexHome, 'skills/alpha/SKILL.md'),
      scope: 'user',
      enabled: true,
      pluginId: null,
    });
    assert.deepEqual(entry?.errors, [
      { path: join(codexHome, 'skills/bad/SKILL.md'), message: 'missing field `description`' },
      { path: join(codexHome, 'skills/long/SKILL.md'), message: 'invalid name: exceeds maximum length of 64 characters' },
      { path: join(codexHome, 'skills/none/SKILL.md'), message: 'missing YAML frontmatter delimited by ---' },
    ]);
  });

  it('marks skills that config.toml turns off', async (t) => {
    const { client, codexHome } = await connect(t, `${MOCK}[[skills.config]]\nname = "alpha"\nenabled = false\n`);
    await put(join(codexHome, 'skills/alpha/SKILL.md'), '---\nname: alpha\ndescription: A\n---\n');
    const result = await client.call('skills/list', {});
    const [entry] = result.data;
    assert.equal(entry?.skills.find((s) => s.name === 'alpha')?.enabled, false);
  });
});

describe('hooks/list', () => {
  it('lists config.toml and hooks.json hooks with the reference keys, hashes, order and warnings', async (t) => {
    const hooks = [
      '[[hooks.PreToolUse]]',
      'matcher = "Bash"',
      '[[hooks.PreToolUse.hooks]]',
      'type = "command"',
      'command = "echo pre"',
      'timeout = 20',
      'statusMessage = "Checking"',
      '[[hooks.Stop]]',
      'matcher = "ignored"',
      '[[hooks.Stop.hooks]]',
      'type = "command"',
      'command = "notify-send done"',
      '[[hooks.Stop.hooks]]',
      'type = "prompt"',
      '[[hooks.PostToolUse]]',
      'matcher = "(["',
      '[[hooks.PostToolUse.hooks]]',
      'type = "command"',
      'command = "never listed"',
    ].join('\n');
    const { client, codexHome } = await connect(t, `${MOCK}${hooks}\n`);
    await writeFile(
      join(codexHome, 'hooks.json'),
      JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'echo json' }] }] } }),
    );
    const result = await client.call('hooks/list', { cwds: ['/tmp'] });
    const [entry] = result.data;
    const configPath = join(codexHome, 'config.toml');
    const jsonPath = join(codexHome, 'hooks.json');
    assert.equal(entry?.cwd, '/tmp');
    assert.deepEqual(
      entry?.hooks.map((h) => [h.key, h.eventName, h.matcher, h.timeoutSec, h.displayOrder, h.trustStatus]),
      [
        [`${jsonPath}:user_prompt_submit:0:0`, 'userPromptSubmit', null, 600, 0, 'untrusted'],
        [`${configPath}:pre_tool_use:0:0`, 'preToolUse', 'Bash', 20, 1, 'untrusted'],
        [`${configPath}:stop:0:0`, 'stop', null, 600, 2, 'untrusted'],
      ],
    );
    // Hashes the reference 0.169.0 gave for the same declarations.
    assert.equal(entry?.hooks[0]?.currentHash, 'sha256:6dab84c881ca5e5990b42aa5aa2adf4d02f9703a9b27789897ae93b523ede84c');
    assert.equal(entry?.hooks[1]?.currentHash, 'sha256:33932a1979e3e1a55eb7b04c0db1165858406691302deaa97461995139df3f33');
    assert.equal(entry?.hooks[2]?.currentHash, 'sha256:d1d295b38d967e289cc4914d834db666b5cb929f10cef3245da7bd0d9c13a1ab');
    assert.equal(entry?.hooks[1]?.statusMessage, 'Checking');
    assert.equal(entry?.hooks[1]?.source, 'user');
    assert.equal(entry?.warnings[0], `loading hooks from both ${jsonPath} and ${configPath}; prefer a single representation for this layer`);
    assert.ok(entry?.warnings.some((w) => w.startsWith(`invalid matcher "([" in ${configPath}: regex parse error:`)));
    assert.ok(entry?.warnings.includes(`skipping prompt hook in ${configPath}: prompt hooks are not supported yet`));
  });

  it('reads trust and enablement from hooks.state, as written with config/batchWrite', async (t) => {
    const hook = '[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = "command"\ncommand = "notify-send done"\n';
    const { client } = await connect(t, `${MOCK}${hook}`);
    const listed = async () =>
      ((await client.call('hooks/list', {})).data)[0]
        ?.hooks[0];
    const before = await listed();
    assert.equal(before?.enabled, true);
    assert.equal(before?.trustStatus, 'untrusted');
    const key = JSON.stringify(before?.key);
    resultOf(
      await client.request('config/batchWrite', {
        edits: [
          { keyPath: `hooks.state.${key}.enabled`, value: false, mergeStrategy: 'upsert' },
          { keyPath: `hooks.state.${key}.trusted_hash`, value: before?.currentHash, mergeStrategy: 'upsert' },
        ],
      }),
    );
    const after = await listed();
    assert.equal(after?.enabled, false);
    assert.equal(after?.trustStatus, 'trusted');
  });

  it('refuses an unknown thread with the reference text', async (t) => {
    const { client } = await connect(t, MOCK);
    assert.deepEqual((await client.request('hooks/list', { threadId: '00000000-0000-7000-8000-000000000000' })).error, {
      code: -32600,
      message: 'thread not found: 00000000-0000-7000-8000-000000000000',
    });
  });
});
