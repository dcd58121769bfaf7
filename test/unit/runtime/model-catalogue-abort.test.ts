import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigToml } from '../../../src/config/schema.js';
import { ModelCatalogue } from '../../../src/runtime/models/model-catalogue.js';

const CONFIG = {
  model: 'configured-model',
  model_provider: 'local',
  model_providers: { local: { name: 'local', base_url: 'http://127.0.0.1:9/v1' } },
} as unknown as ConfigToml;

describe('ModelCatalogue.list and its signal', () => {
  it('stops waiting for the provider when the asking client leaves; the shared fetch still fills the cache', async () => {
    let answer: (response: Response) => void = () => {};
    let fetches = 0;
    const catalogue = new ModelCatalogue({
      config: { config: CONFIG },
      env: {},
      fetch: () => {
        fetches += 1;
        return new Promise<Response>((resolve) => {
          answer = resolve;
        });
      },
    });
    const leaving = new AbortController();
    const first = catalogue.list(null, leaving.signal);
    const second = catalogue.list(null);
    // Lets both calls reach the (shared) fetch before the first client leaves.
    await new Promise((resolve) => setImmediate(resolve));
    leaving.abort(new Error('connection closed'));
    await assert.rejects(first, /connection closed/);
    answer(Response.json({ data: [{ id: 'served-model' }] }));
    const models = await second;
    // The built-in catalogue comes first; then the configured model it lacks, then what the provider served.
    assert.deepEqual(
      models.map((model) => model.id).slice(-2),
      ['configured-model', 'served-model'],
    );
    assert.equal(fetches, 1);
  });
});
