import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { parse } from 'smol-toml';
import { RpcTestClient } from '../../helpers/rpc-client.js';
import { startTestServer } from '../../helpers/server.js';
import { resultOf } from '../../helpers/thread-server.js';

const MOCK = 'model = "mock-model"\nmodel_provider = "mock"\n[model_providers.mock]\nname = "mock"\nbase_url = "http://127.0.0.1:9/v1"\n';

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'skills-config-')));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function connect(t: TestContext, configToml?: string) {
  const server = await startTestServer(t, {}, configToml);
  const open = async () => {
    const client = await RpcTestClient.connect(server.url);
    t.after(() => client.close());
    await client.initialize({ experimentalApi: true });
    return client;
  };
  return { client: await open(), open, codexHome: await realpath(server.codexHome) };
}

type Listed = { data: Array<{ skills: Array<{ name: string; path: string; scope: string; enabled: boolean }> }> };

async function listSkills(client: RpcTestClient, cwd: string) {
  const result = await client.call('skills/list', { cwds: [cwd] }) as unknown as Listed;
  return result.data[0]?.skills ?? [];
}

describe('skills/config/write', () => {
  it('records disabled skills in [[skills.config]], removes them when re-enabled, and skills/list follows', async (t) => {
    const project = await tempDir(t);
    const { client, codexHome } = await connect(t, MOCK);
    const alpha = join(codexHome, 'skills/alpha/SKILL.md');
    await put(alpha, '---\nname: alpha\ndescription: A\n---\n');
    const configPath = join(codexHome, 'config.toml');

    assert.deepEqual(await client.call('skills/config/write', { enabled: false, name: 'alpha' }), {
      effectiveEnabled: false,
    });
    assert.equal((await listSkills(client, project)).find((s) => s.name === 'alpha')?.enabled, false);
    // A second toggle with the same selector does not add a duplicate; a path selector is its own entry.
    await client.request('skills/config/write', { enabled: false, name: 'alpha' });
    await client.request('skills/config/write', { enabled: false, path: alpha });
    const written = await readFile(configPath, 'utf8');
    assert.match(written, /\[\[skills\.config\]\]\nname = "alpha"\nenabled = false\n/);
    assert.deepEqual(structuredClone(parse(written)['skills']), {
      config: [
        { name: 'alpha', enabled: false },
        { path: alpha, enabled: false },
      ],
    });

    // Enabling by name removes only the name entry: the path entry still turns the skill off.
    assert.deepEqual(await client.call('skills/config/write', { enabled: true, name: 'alpha' }), {
      effectiveEnabled: true,
    });
    assert.equal((await listSkills(client, project)).find((s) => s.name === 'alpha')?.enabled, false);
    await client.request('skills/config/write', { enabled: true, path: alpha });
    assert.equal((await listSkills(client, project)).find((s) => s.name === 'alpha')?.enabled, true);
    // The last exception gone, the [skills] table goes too.
    assert.deepEqual(structuredClone(parse(await readFile(configPath, 'utf8'))), structuredClone(parse(MOCK)));
  });

  it('enabling a skill that has no entry writes nothing, not even a missing config.toml', async (t) => {
    const { client, codexHome } = await connect(t);
    assert.deepEqual(await client.call('skills/config/write', { enabled: true, name: 'ghost' }), {
      effectiveEnabled: true,
    });
    assert.equal(existsSync(join(codexHome, 'config.toml')), false);
  });

  it('answers the reference texts for a missing or double selector and a relative path', async (t) => {
    const { client } = await connect(t, MOCK);
    const exactlyOne = { code: -32602, message: 'skills/config/write requires exactly one of path or name' };
    assert.deepEqual((await client.request('skills/config/write', { enabled: true })).error, exactlyOne);
    assert.deepEqual(
      (await client.request('skills/config/write', { enabled: true, name: 'x', path: '/tmp/a/SKILL.md' })).error,
      exactlyOne,
    );
    assert.deepEqual((await client.request('skills/config/write', { enabled: true, path: 'rel' })).error, {
      code: -32600,
      message: 'Invalid request: AbsolutePathBuf deserialized without a base path',
    });
    assert.deepEqual((await client.request('skills/config/write', {})).error, {
      code: -32600,
      message: 'Invalid request: missing field `enabled`',
    });
  });
});

describe('skills/extraRoots/set', () => {
  it('adds user-scope roots for the whole server and tells every connection skills/changed before answering', async (t) => {
    const project = await tempDir(t);
    const extra = await tempDir(t);
    await put(join(extra, 'beta/SKILL.md'), '---\nname: beta\ndescription: B\n---\n');
    const { client, open } = await connect(t, MOCK);
    const other = await open();

    const response = await client.request('skills/extraRoots/set', { extraRoots: [extra] });
    assert.deepEqual(resultOf(response), {});
    const methods = client.received.map((m) => m['method'] ?? (m['id'] === response['id'] ? 'response' : null));
    assert.ok(methods.indexOf('skills/changed') < methods.indexOf('response'));
    await other.notification('skills/changed');

    const beta = (await listSkills(other, project)).find((s) => s.name === 'beta');
    assert.deepEqual(beta && { path: beta.path, scope: beta.scope }, { path: join(extra, 'beta/SKILL.md'), scope: 'user' });

    await client.request('skills/extraRoots/set', { extraRoots: [] });
    assert.equal((await listSkills(client, project)).some((s) => s.name === 'beta'), false);

    assert.deepEqual((await client.request('skills/extraRoots/set', { extraRoots: ['rel'] })).error, {
      code: -32600,
      message: 'Invalid request: AbsolutePathBuf deserialized without a base path',
    });
    assert.deepEqual((await client.request('skills/extraRoots/set', {})).error, {
      code: -32600,
      message: 'Invalid request: missing field `extraRoots`',
    });
  });
});
