import type { ConfigToml } from '../../config/schema.js';
import type { ReasoningEffort, ReasoningSummary } from '../../protocol/v2/policies.js';
import type { ModelFacts, Verbosity } from './model-facts.js';

/** The `reasoning` and `text` fields of a model request, decided for one model and one thread's settings. */
export interface SamplingControls {
  /** `reasoning` (`{effort?, summary?}`), or null when neither applies. */
  readonly reasoning: { readonly effort?: string; readonly summary?: ReasoningSummary } | null;
  /** `text` (`{verbosity}`), or null when the model has no verbosity control. */
  readonly text: { readonly verbosity: Verbosity } | null;
  /**
   * The effort the thread asked for (the turn metadata reports it): the same as `reasoning.effort` except for
   * `ultra`, which the request spells as the effort it stands for.
   */
  readonly effort: string | null;
}

/** The settings the controls are decided from: the thread's choices (null = not chosen) and its config. */
export interface SamplingChoices {
  readonly reasoningEffort: ReasoningEffort | null;
  readonly reasoningSummary: ReasoningSummary | null;
  readonly config: ConfigToml;
}

/**
 * Decides reasoning and verbosity as the reference 0.169.0 does [observed]: the chosen effort (config
 * `model_reasoning_effort` or turn/start `effort`) else the model's default; the chosen summary else the model's
 * default, left out when it is `none`; `text.verbosity` from config `model_verbosity` else the model's default,
 * only for models that support it (a model the catalogue does not know gets none, whatever the config says).
 * Any effort is sent as chosen, whether the model lists it or not, except `ultra` (see `ultraEffort`).
 */
export function samplingControls(facts: ModelFacts, choices: SamplingChoices): SamplingControls {
  const effort = choices.reasoningEffort ?? facts.defaultReasoningEffort;
  const summary = choices.reasoningSummary ?? facts.defaultReasoningSummary;
  const reasoningOn = facts.supportsReasoningSummaries || effort !== null;
  const sent = effort === ULTRA ? ultraEffort(facts) : effort;
  const reasoning = reasoningOn
    ? { ...(sent === null ? {} : { effort: sent }), ...(summary === 'none' ? {} : { summary }) }
    : null;
  const verbosity = facts.supportsVerbosity ? (configuredVerbosity(choices.config) ?? facts.defaultVerbosity) : null;
  return {
    reasoning: reasoning !== null && Object.keys(reasoning).length > 0 ? reasoning : null,
    text: verbosity === null ? null : { verbosity },
    effort: reasoning === null ? null : effort,
  };
}

const ULTRA = 'ultra';

/** Efforts from least to most, for finding the highest one a model lists. */
const EFFORT_ORDER: readonly string[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

/**
 * `ultra` is not an effort the Responses API takes: it is the client's "most reasoning, and delegate to sub-agents"
 * setting. The request carries the model's multi-agent effort when the catalogue gives one, else the highest
 * effort the model lists, else `medium` [observed on the reference 0.169.0: gpt-6-astra → xhigh, gpt-6-sol and
 * gpt-6-luna → max, gpt-5.5 → xhigh, a model it does not know → medium]; the turn metadata still says `ultra`.
 */
function ultraEffort(facts: ModelFacts): string {
  if (facts.multiAgentReasoningEffort !== null) return facts.multiAgentReasoningEffort;
  const listed = EFFORT_ORDER.filter((effort) => facts.supportedReasoningEfforts.includes(effort));
  return listed.at(-1) ?? 'medium';
}

/** config.toml `model_verbosity`, the active profile's first. */
function configuredVerbosity(config: ConfigToml): Verbosity | null {
  const profile = config.profile === undefined ? undefined : config.profiles?.[config.profile];
  return profile?.model_verbosity ?? config.model_verbosity ?? null;
}
