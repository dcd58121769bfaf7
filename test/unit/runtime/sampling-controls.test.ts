import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelFacts } from '../../../src/runtime/models/model-facts.js';
import { samplingControls } from '../../../src/runtime/models/sampling-controls.js';

const NOTHING_CHOSEN = { reasoningEffort: null, reasoningSummary: null, config: {} } as const;

describe('model facts', () => {
  it('knows a catalogue model and falls back for any other slug', () => {
    const known = modelFacts('gpt-5.5');
    assert.equal(known.inCatalogue, true);
    assert.equal(known.defaultReasoningEffort, 'medium');
    assert.deepEqual(known.supportedReasoningEfforts, ['low', 'medium', 'high', 'xhigh']);
    assert.equal(known.applyPatchToolType, 'freeform');
    assert.equal(known.instructionsFamily, 'apply-patch');
    assert.equal(known.contextWindow, 272_000);
    const unknown = modelFacts('my-model');
    assert.equal(unknown.inCatalogue, false);
    assert.equal(unknown.displayName, 'my-model');
    assert.equal(unknown.applyPatchToolType, null);
    assert.equal(unknown.instructionsFamily, 'shell-edits');
    assert.equal(unknown.supportsVerbosity, false);
  });
});

describe('reasoning and verbosity of a request (observed on the reference 0.169.0)', () => {
  it('uses the catalogue defaults: effort medium, no summary, verbosity low for gpt-5.5', () => {
    const controls = samplingControls(modelFacts('gpt-5.5'), NOTHING_CHOSEN);
    assert.deepEqual(controls, { reasoning: { effort: 'medium' }, text: { verbosity: 'low' }, effort: 'medium' });
  });

  it('asks an unknown model for an automatic summary and no verbosity', () => {
    const controls = samplingControls(modelFacts('my-model'), NOTHING_CHOSEN);
    assert.deepEqual(controls, { reasoning: { summary: 'auto' }, text: null, effort: null });
  });

  it('lets the thread choose effort, summary and verbosity', () => {
    const choices = {
      reasoningEffort: 'high',
      reasoningSummary: 'detailed',
      config: { model_verbosity: 'high' },
    } as const;
    assert.deepEqual(samplingControls(modelFacts('gpt-5.5'), choices), {
      reasoning: { effort: 'high', summary: 'detailed' },
      text: { verbosity: 'high' },
      effort: 'high',
    });
    // An unknown model takes the effort and summary, but verbosity stays off whatever the config says.
    assert.deepEqual(samplingControls(modelFacts('my-model'), choices), {
      reasoning: { effort: 'high', summary: 'detailed' },
      text: null,
      effort: 'high',
    });
  });

  it('reads model_verbosity from the active profile first, and leaves a `none` summary out', () => {
    const choices = {
      reasoningEffort: null,
      reasoningSummary: 'none',
      config: { model_verbosity: 'high', profile: 'quiet', profiles: { quiet: { model_verbosity: 'medium' } } },
    } as const;
    assert.deepEqual(samplingControls(modelFacts('gpt-5.5'), choices).text, { verbosity: 'medium' });
    assert.deepEqual(samplingControls(modelFacts('my-model'), choices).reasoning, null);
  });
});

describe('the `ultra` effort (observed on the reference 0.169.0)', () => {
  const ultra = { reasoningEffort: 'ultra', reasoningSummary: null, config: {} } as const;
  const sent = (slug: string) => samplingControls(modelFacts(slug), ultra);

  it('is sent as the model’s multi-agent effort, else its highest listed effort, else medium', () => {
    assert.deepEqual(sent('gpt-6-astra').reasoning, { effort: 'xhigh' });
    assert.deepEqual(sent('gpt-6-sol').reasoning, { effort: 'max' });
    assert.deepEqual(sent('gpt-6-luna').reasoning, { effort: 'max' });
    assert.deepEqual(sent('gpt-5.5').reasoning, { effort: 'xhigh' });
    assert.deepEqual(sent('my-model').reasoning, { effort: 'medium', summary: 'auto' });
  });

  it('is still reported as ultra (the turn metadata’s effort)', () => {
    for (const slug of ['gpt-6-astra', 'gpt-5.5', 'my-model']) assert.equal(sent(slug).effort, 'ultra');
  });

  it('leaves every other effort as chosen, listed by the model or not', () => {
    for (const effort of ['max', 'minimal', 'none', 'bogus']) {
      const controls = samplingControls(modelFacts('gpt-5.5'), { ...ultra, reasoningEffort: effort });
      assert.deepEqual(controls.reasoning, { effort });
      assert.equal(controls.effort, effort);
    }
  });
});
