import type { ConfigToml } from '../../config/schema.js';
import { autoCompactTokenLimit } from '../compaction/auto-compact-limit.js';
import { modelFacts } from './model-facts.js';

/** How much a thread's conversation may hold with its model and config. */
export interface ContextLimits {
  /**
   * The context window token usage reports: 95 % of the model's (probed: 258400 for a model the catalogue does not
   * know, i.e. 95 % of 272000). config.toml `model_context_window` replaces it.
   */
  readonly modelContextWindow: number | null;
  /** Where the conversation compacts: config's limit or the catalogue's, never above 90 % of the window. */
  readonly autoCompactTokenLimit: number | null;
}

export function contextLimits(model: string, config: ConfigToml): ContextLimits {
  const facts = modelFacts(model);
  const reported =
    facts.contextWindow === null ? null : Math.floor((facts.contextWindow * facts.effectiveContextWindowPercent) / 100);
  return {
    modelContextWindow: config.model_context_window ?? reported,
    autoCompactTokenLimit: autoCompactTokenLimit(
      config.model_auto_compact_token_limit ?? facts.autoCompactTokenLimit,
      config.model_context_window ?? facts.contextWindow,
    ),
  };
}
