import type { ConfigToml } from '../../config/schema.js';
import type { ReasoningEffort, ReasoningSummary } from '../../protocol/v2/policies.js';
import type { ModelFacts, Verbosity } from './model-facts.js';

/** The `reasoning` and `text` fields of a model request, decided for one model and one thread's settings. */
export interface SamplingControls {
  /** `reasoning` (`{effort?, summary?}`), or null when neither applies. */
  readonly reasoning: { readonly effort?: string; readonly summary?: ReasoningSummary } | null;
  /** `text` (`{verbosity}`), or null when the model has no verbosity control. */
  readonly text: { readonly verbosity: Verbosity } | null;
  /** The effort actually sent (the turn metadata reports it). */
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
 */
export function samplingControls(facts: ModelFacts, choices: SamplingChoices): SamplingControls {
  const effort = choices.reasoningEffort ?? facts.defaultReasoningEffort;
  const summary = choices.reasoningSummary ?? facts.defaultReasoningSummary;
  const reasoningOn = facts.supportsReasoningSummaries || effort !== null;
  const reasoning = reasoningOn
    ? { ...(effort === null ? {} : { effort }), ...(summary === 'none' ? {} : { summary }) }
    : null;
  const verbosity = facts.supportsVerbosity ? (configuredVerbosity(choices.config) ?? facts.defaultVerbosity) : null;
  return {
    reasoning: reasoning !== null && Object.keys(reasoning).length > 0 ? reasoning : null,
    text: verbosity === null ? null : { verbosity },
    effort: reasoning === null ? null : effort,
  };
}

/** config.toml `model_verbosity`, the active profile's first. */
function configuredVerbosity(config: ConfigToml): Verbosity | null {
  const profile = config.profile === undefined ? undefined : config.profiles?.[config.profile];
  return profile?.model_verbosity ?? config.model_verbosity ?? null;
}
