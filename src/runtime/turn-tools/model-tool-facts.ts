import { modelFacts } from '../models/model-facts.js';

/**
 * The few facts about a model that decide which tools it is offered and how they behave. Kept narrow on purpose:
 * whatever knows the models (a catalogue, a provider's `/models`) only has to fill this in.
 *
 * Observed from the reference 0.169.0 (tools of the first request of a turn, one model per thread):
 * - `gpt-5.5` (in its bundled catalogue): apply_patch as a freeform (custom) tool, images sent with
 *   `detail: "original"` and never resized, web_search searching text and images;
 * - a model it does not know: no apply_patch, images sent with `detail: "high"` (fitted to 2048 px and 2,500
 *   32-pixel patches), web_search with no content types.
 */
export interface ModelToolFacts {
  /**
   * How apply_patch is offered: a freeform `custom` tool, a JSON `function` tool, or not at all (a model
   * catalogue's `apply_patch_tool_type`: "freeform" | "function" | null).
   */
  readonly applyPatch: 'freeform' | 'function' | null;
  /**
   * The `detail` of the images view_image shows the model: `original` when the catalogue's
   * `supports_image_detail_original` is true, else `high`.
   */
  readonly imageDetail: 'original' | 'high';
  /**
   * Whether the hosted web_search tool may return images as well as text (`search_content_types`): a catalogue's
   * `web_search_tool_type` "text_and_image" (vs "text").
   */
  readonly webSearchImages: boolean;
  /**
   * Whether the model is offered the sub-agent tools (`multi_agent_v1`): the reference 0.169.0 offers them to a
   * model it does not know, and not to its catalogue's models (observed with gpt-5.5).
   */
  readonly multiAgent: boolean;
}

/** A model nothing is known about: the reference's fallback metadata. */
export const UNKNOWN_MODEL_TOOL_FACTS: ModelToolFacts = {
  applyPatch: null,
  imageDetail: 'high',
  webSearchImages: false,
  multiAgent: true,
};

/**
 * The tool facts of the model with this slug, from the built-in catalogue (models/model-facts.ts), or the
 * unknown-model fallback. The catalogue's models all take images at their original detail; the reference offers its newest ones tools through a code mode this server does not have, so
 * they get the regular tools, apply_patch included, as their instructions expect.
 */
export function modelToolFacts(slug: string): ModelToolFacts {
  const facts = modelFacts(slug);
  if (!facts.inCatalogue) return UNKNOWN_MODEL_TOOL_FACTS;
  return {
    applyPatch: facts.applyPatchToolType,
    imageDetail: facts.supportsImageDetailOriginal ? 'original' : 'high',
    webSearchImages: facts.webSearchToolType === 'text_and_image',
    multiAgent: false,
  };
}
