import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchesTools } from '../../../../src/runtime/turn-tools/deferred-tools.js';
import { modelToolFacts } from '../../../../src/runtime/turn-tools/model-tool-facts.js';
import { offeredToolNames } from '../../../../src/runtime/turn-tools/tool-set.js';
import { webSearchMode, webSearchToolSpec } from '../../../../src/tools/web-search/web-search-tool.js';
import type { ConfigToml } from '../../../../src/config/schema.js';

/**
 * The tools the reference 0.169.0 offered in the first request of a turn (observed with a fake Responses model).
 * Every one is offered by this server too.
 */
const OBSERVED: Readonly<Record<string, readonly string[]>> = {
  'gpt-5.5': [
    'exec_command',
    'write_stdin',
    'request_user_input',
    'apply_patch',
    'view_image',
    'get_goal',
    'create_goal',
    'update_goal',
    'tool_search',
    'web_search',
  ],
  'mock-model': [
    'exec_command',
    'write_stdin',
    'request_user_input',
    'view_image',
    'multi_agent_v1',
    'get_goal',
    'create_goal',
    'update_goal',
    'web_search',
  ],
};

describe('the tools offered to a model', () => {
  for (const [model, observed] of Object.entries(OBSERVED)) {
    it(`${model}: the reference's tools, in its order`, () => {
      assert.deepEqual(offeredToolNames(modelToolFacts(model), 'cached', { multiAgent: true, toolSearch: searchesTools(model) }), observed);
    });
  }

  it('never offers update_plan, and drops web_search when it is disabled', () => {
    for (const model of Object.keys(OBSERVED)) {
      const names = offeredToolNames(modelToolFacts(model), 'disabled', { multiAgent: true, toolSearch: searchesTools(model) });
      assert.ok(!names.includes('update_plan'));
      assert.ok(!names.includes('web_search'));
    }
  });

  it('the sub-agent namespace only where the thread may spawn (not a sub-agent at the depth limit)', () => {
    assert.ok(!offeredToolNames(modelToolFacts('mock-model'), 'cached', { multiAgent: false, toolSearch: false }).includes('multi_agent_v1'));
    assert.ok(!offeredToolNames(modelToolFacts('gpt-5.5'), 'cached', { multiAgent: true, toolSearch: true }).includes('multi_agent_v1'));
  });

  it('apply_patch is freeform for gpt-5.5 and absent for a model nothing is known about', () => {
    assert.equal(modelToolFacts('gpt-5.5').applyPatch, 'freeform');
    assert.equal(modelToolFacts('some-custom-model').applyPatch, null);
    assert.equal(modelToolFacts('constructor').applyPatch, null);
  });
});

describe('web search mode', () => {
  const config = (value: Record<string, unknown>) => value as ConfigToml;

  it('follows web_search, then the older feature flags, then the sandbox', () => {
    assert.equal(webSearchMode(config({ web_search: 'live' }), false), 'live');
    assert.equal(webSearchMode(config({ web_search: 'disabled' }), true), 'disabled');
    assert.equal(webSearchMode(config({ features: { web_search_request: true } }), false), 'live');
    assert.equal(webSearchMode(config({ features: { web_search_cached: true } }), true), 'cached');
    assert.equal(webSearchMode(config({}), false), 'cached');
    assert.equal(webSearchMode(config({}), true), 'live');
    assert.equal(
      webSearchMode(config({ web_search: 'cached', profile: 'p', profiles: { p: { web_search: 'live' } } }), false),
      'live',
    );
  });

  it('live reaches the open web; cached does not; images only for models that take them', () => {
    assert.deepEqual(webSearchToolSpec('live', true), {
      type: 'web_search',
      external_web_access: true,
      search_content_types: ['text', 'image'],
    });
    assert.deepEqual(webSearchToolSpec('cached', false), { type: 'web_search', external_web_access: false });
    assert.equal(webSearchToolSpec('disabled', true), null);
  });
});
