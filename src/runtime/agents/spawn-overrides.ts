import type { OverrideModel } from '../../tools/agents/agent-tool-specs.js';
import { BUILT_IN_MODELS } from '../models/catalogue-data.js';
import { modelFacts } from '../models/model-facts.js';
import type { SpawnOverrides } from './sub-agents.js';

/*
 * The model and reasoning effort a spawn_agent call may ask for (observed from the reference 0.169.0): a model must
 * be one of the built-in catalogue's (hidden ones included; a custom model, even the parent's own, is not), and an
 * effort must be one the child's model supports (the requested model's, else the parent's; a model the catalogue
 * does not know supports none). `fork_context` does not stop overrides in this version.
 */

/** How many models the unknown-model refusal suggests. */
const SUGGESTED_MODELS = 5;

/** The refusal the model reads for an override the child cannot have, or null when the overrides are usable. */
export function spawnOverrideRefusal(parentModel: string, overrides: SpawnOverrides): string | null {
  const { model, reasoningEffort } = overrides;
  if (model !== undefined && !BUILT_IN_MODELS.some((known) => known.slug === model)) {
    return `Unknown model \`${model}\` for spawn_agent. Available models: ${suggestedModels().join(', ')}`;
  }
  if (reasoningEffort === undefined) return null;
  const target = model ?? parentModel;
  const supported = modelFacts(target).supportedReasoningEfforts;
  if (supported.includes(reasoningEffort)) return null;
  return `Reasoning effort \`${reasoningEffort}\` is not supported for model \`${target}\`. Supported reasoning efforts: ${supported.join(', ')}`;
}

/** The models a client's picker lists, best first, as many as the refusal names. */
function suggestedModels(): string[] {
  return pickerModels().map((known) => known.slug);
}

/** The models spawn_agent's description offers: the same ones the refusal names (observed from 0.169.0). */
export function overrideModels(): OverrideModel[] {
  return pickerModels().map((known) => ({
    slug: known.slug,
    description: known.description ?? '',
    reasoningEfforts: known.supportedReasoningEfforts,
    defaultReasoningEffort: known.defaultReasoningEffort,
    serviceTiers: known.serviceTiers.map((tier) => tier.id),
  }));
}

function pickerModels() {
  return BUILT_IN_MODELS.filter((known) => known.visibility === 'list')
    .sort((a, b) => a.priority - b.priority)
    .slice(0, SUGGESTED_MODELS);
}
