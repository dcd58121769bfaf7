import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameBackendAnswer, startBackendPair } from '../../helpers/backend-pair.js';
import { chatgptAuthJson } from '../../helpers/chatgpt-auth.js';
import { httpReply } from '../../helpers/fake-model-server.js';
import type { HttpReply } from '../../helpers/fake-model-server.js';

/*
 * ChatGPT's remote plugin catalogue in plugin/list, plugin/read and plugin/skill/read: the same script against our
 * server and the reference 0.169.0, both signed in with ChatGPT and pointed at one fake plugin service.
 */

const json = (body: unknown, status = 200): HttpReply =>
  httpReply(status, JSON.stringify(body), { 'content-type': 'application/json' });

/** A catalogue entry as the plugin service sends it. */
function entry(id: string, name: string, scope: 'GLOBAL' | 'WORKSPACE', extra: Record<string, unknown> = {}) {
  return {
    id,
    name,
    scope,
    ...(scope === 'WORKSPACE' ? { discoverability: 'LISTED' } : {}),
    installation_policy: 'AVAILABLE',
    authentication_policy: 'ON_USE',
    status: 'ENABLED',
    release: {
      version: '1.2.0',
      display_name: name === 'zeta' ? '' : `${name[0]?.toUpperCase()}${name.slice(1)}`,
      description: `  ${name} does things  `,
      keywords: ['kw'],
      interface: {
        short_description: 'short',
        capabilities: ['Read'],
        default_prompts: ['  first  ', '', 'x'.repeat(129), 'second', 'third', 'fourth'],
        default_prompt: 'ignored when the list has one',
        logo_url: 'https://example.com/logo.png',
      },
      skills: [
        { name: 'skill-one', description: 'first skill', interface: { display_name: 'Skill One', icon_small_url: 'https://i/s.png' } },
        { name: 'skill-two', description: 'second skill', interface: { icon_small_url: 'https://i/only-icon.png' } },
        { name: 'skill-three', description: 'third skill', interface: {} },
      ],
      mcp_servers: [{ key: 'zz' }, { key: 'aa' }, { key: 'zz' }],
    },
    ...extra,
  };
}
const installed = (plugin: Record<string, unknown>, enabled: boolean, disabledSkills: string[] = []) => ({
  ...plugin,
  enabled,
  disabled_skill_names: disabledSkills,
});
const page = (plugins: unknown[], next: string | null = null) => ({ plugins, pagination: { next_page_token: next } });

const PS = '/backend-api/ps/plugins';

function catalogueRoutes(): Record<string, HttpReply> {
  const sharedPrivate = entry('plugins~s1', 'shared-one', 'WORKSPACE', {
    discoverability: 'PRIVATE',
    creator_name: 'Ana',
    share_url: 'https://chatgpt.example/p/s1',
    share_principals: [{ principal_type: 'user', principal_id: 'u1', role: 'owner', name: 'Ana' }],
  });
  const linkOnly = entry('plugins~s2', 'link-only', 'WORKSPACE', { discoverability: 'UNLISTED' });
  return {
    // OpenAI's catalogue on two pages, plus a plugin only the installed list still has.
    [`${PS}/list?scope=GLOBAL&limit=200`]: json(page([entry('plugins~g1', 'gamma', 'GLOBAL'), entry('plugins~g0', 'zeta', 'GLOBAL')], 'tok 2')),
    [`${PS}/list?scope=GLOBAL&limit=200&pageToken=tok+2`]: json(page([entry('plugins~g2', 'Alpha', 'GLOBAL', { status: 'DISABLED_BY_ADMIN' })])),
    [`${PS}/installed?scope=GLOBAL&limit=200`]: json(page([installed(entry('plugins~g9', 'retired', 'GLOBAL'), false)])),
    [`${PS}/list?scope=WORKSPACE&limit=200`]: json(page([entry('plugins~w1', 'beta', 'WORKSPACE'), entry('plugins~w2', 'alpha', 'WORKSPACE')])),
    [`${PS}/installed?scope=WORKSPACE&limit=200`]: json(
      page([installed(entry('plugins~w2', 'alpha', 'WORKSPACE', { release: { ...entry('x', 'alpha', 'WORKSPACE').release, version: '1.1.0' } }), true, ['skill-one']), installed(linkOnly, true)]),
    ),
    [`${PS}/workspace/shared?limit=200`]: json(page([sharedPrivate, entry('plugins~w1', 'beta', 'WORKSPACE')])),
    [`${PS}/installed?scope=USER&limit=200`]: json(page([])),
    [`${PS}/list?scope=USER&limit=200`]: json(page([entry('plugins~u1', 'mine', 'WORKSPACE', { discoverability: 'PRIVATE' })])),
    [`${PS}/plugins~w2`]: json(entry('plugins~w2', 'alpha', 'WORKSPACE')),
    [`${PS}/plugins~g1`]: json(entry('plugins~g1', 'gamma', 'GLOBAL')),
    [`${PS}/plugins~bad`]: json({ id: 'plugins~bad' }),
    [`${PS}/plugins~boom`]: json({ detail: 'boom' }, 500),
    [`${PS}/plugins~nodisc`]: json(entry('plugins~nodisc', 'nodisc', 'WORKSPACE', { discoverability: null })),
    [`${PS}/plugins~g1/skills/skill-one`]: json({ plugin_id: 'plugins~g1', name: 'skill-one', skill_md_contents: '# Skill one\n' }),
    [`${PS}/plugins~g1/skills/a%20b`]: json({ plugin_id: 'plugins~g1', name: 'a b', skill_md_contents: null }),
    [`${PS}/plugins~g1/skills/renamed`]: json({ plugin_id: 'plugins~g1', name: 'other', skill_md_contents: '' }),
  };
}

describe('the remote plugin catalogue with a ChatGPT login', () => {
  it('lists, reads and reads skills as the reference does', async (t) => {
    const pair = await startBackendPair(t, chatgptAuthJson(), catalogueRoutes());

    // The desktop app's plugin page: local marketplaces and OpenAI's catalogue.
    const listed = (await sameBackendAnswer(pair, 'plugin/list', {})) as { result: { marketplaces: Array<{ name: string }> } };
    assert.deepEqual(
      listed.result.marketplaces.map((marketplace) => marketplace.name),
      ['openai-curated-remote'],
    );
    await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: ['workspace-directory'] });
    await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: ['shared-with-me'] });
    await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: ['created-by-me-remote'] });
    await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: ['local', 'workspace-directory', 'shared-with-me'] });
    await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: ['vertical'] });
    await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: [] });

    await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'workspace-directory', pluginName: 'plugins~w2' });
    // The marketplace named is not checked: the catalogue says where the plugin belongs.
    await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'anything', pluginName: 'plugins~g1' });
    await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'x', pluginName: 'bad id' });
    await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'x', pluginName: '' });
    await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'x', pluginName: 'plugins~missing' });
    await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'x', pluginName: 'plugins~boom' });
    await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'x', pluginName: 'plugins~nodisc' });
    await sameBackendAnswer(pair, 'plugin/read', { pluginName: 'p' });

    const skill = { remoteMarketplaceName: 'openai-curated-remote', remotePluginId: 'plugins~g1' };
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, skillName: 'skill-one' });
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, skillName: 'a b' });
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, skillName: 'renamed' });
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, skillName: 'missing' });
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, skillName: '' });
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, remotePluginId: 'no/such' });
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, remoteMarketplaceName: 'elsewhere', skillName: 'skill-one' });
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, remoteMarketplaceName: 'created-by-me-remote', skillName: 'skill-one' });
    await sameBackendAnswer(pair, 'plugin/skill/read', { ...skill, remoteMarketplaceName: 'workspace-shared-with-me-unlisted', skillName: 'skill-one' });
  });

  it('report an unreachable plugin service, except in the default listing, which falls back to local marketplaces', async (t) => {
    const pair = await startBackendPair(t, chatgptAuthJson(), {});
    await pair.backend.close();
    await sameBackendAnswer(pair, 'plugin/list', {});
    await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: ['workspace-directory'] });
    await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'x', pluginName: 'plugins~g1' });
    await sameBackendAnswer(pair, 'plugin/skill/read', {
      remoteMarketplaceName: 'workspace-directory',
      remotePluginId: 'plugins~g1',
      skillName: 's',
    });
  });

  it('send the login, the caller and the product on every catalogue request', async (t) => {
    const pair = await startBackendPair(t, chatgptAuthJson('acct_42'), catalogueRoutes());
    const before = pair.backend.requests.length;
    await pair.ours.request('plugin/read', { remoteMarketplaceName: 'workspace-directory', pluginName: 'plugins~w2' });
    // The reference shares the backend and syncs in the background: only our server's requests count here.
    const sent = pair.backend.requests.slice(before).filter((request) => String(request.headers['user-agent']).startsWith('pair-client/'));
    assert.deepEqual(
      sent.map((request) => `${request.method} ${request.url}`),
      [`GET ${PS}/plugins~w2`, `GET ${PS}/installed?scope=WORKSPACE&limit=200`],
    );
    for (const request of sent) {
      assert.equal(request.headers['chatgpt-account-id'], 'acct_42');
      assert.match(String(request.headers.authorization), /^Bearer ey/);
      assert.equal(request.headers['originator'], 'pair-client');
      assert.equal(request.headers['oai-product-sku'], 'codex');
      assert.match(String(request.headers['user-agent']), /^pair-client\/0\.169\.0 /);
    }
  });
});

describe('the remote plugin catalogue without a ChatGPT login', () => {
  it('is refused where it is asked for, and left out of the default listing', async (t) => {
    for (const auth of [null, { auth_mode: 'apikey', OPENAI_API_KEY: 'sk-test' }]) {
      const pair = await startBackendPair(t, auth, catalogueRoutes());
      await sameBackendAnswer(pair, 'plugin/list', {});
      await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: ['vertical'] });
      await sameBackendAnswer(pair, 'plugin/list', { marketplaceKinds: ['created-by-me-remote'] });
      await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'x', pluginName: 'bad id' });
      await sameBackendAnswer(pair, 'plugin/read', { remoteMarketplaceName: 'x', pluginName: 'plugins~g1' });
      await sameBackendAnswer(pair, 'plugin/skill/read', {
        remoteMarketplaceName: 'elsewhere',
        remotePluginId: 'plugins~g1',
        skillName: '',
      });
      await sameBackendAnswer(pair, 'plugin/skill/read', {
        remoteMarketplaceName: 'elsewhere',
        remotePluginId: 'plugins~g1',
        skillName: 's',
      });
      assert.deepEqual(
        pair.backend.requests.filter((request) => request.url.includes('/ps/plugins/') && !request.url.startsWith(`${PS}/installed?limit`)).map((r) => r.url),
        [],
      );
    }
  });
});
