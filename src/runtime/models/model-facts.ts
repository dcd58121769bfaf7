import type { ReasoningSummary } from '../../protocol/v2/policies.js';
import { BUILT_IN_MODELS } from './catalogue-data.js';

export type Verbosity = 'low' | 'medium' | 'high';
/** How the model is offered `apply_patch`: a freeform (grammar) custom tool, a JSON function, or not at all. */
export type ApplyPatchToolType = 'freeform' | 'function';

/** One model of the built-in catalogue (see catalogue-data.ts). */
export interface CatalogueModel {
  readonly slug: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly visibility: 'list' | 'hide' | 'none';
  /** model/list order: lower first. */
  readonly priority: number;
  readonly defaultReasoningEffort: string | null;
  readonly supportedReasoningEfforts: readonly string[];
  readonly supportsReasoningSummaries: boolean;
  readonly defaultReasoningSummary: ReasoningSummary;
  readonly supportsVerbosity: boolean;
  readonly defaultVerbosity: Verbosity | null;
  readonly applyPatchToolType: ApplyPatchToolType | null;
  readonly shellType: string;
  readonly webSearchToolType: string;
  readonly supportsSearchTool: boolean;
  readonly multiAgentVersion: 'v1' | 'v2' | null;
  readonly toolMode: string | null;
  readonly contextWindow: number | null;
  readonly maxContextWindow: number | null;
  readonly autoCompactTokenLimit: number | null;
  readonly truncationPolicy: { readonly mode: 'tokens' | 'bytes'; readonly limit: number };
  readonly supportsParallelToolCalls: boolean;
  readonly inputModalities: readonly ('text' | 'image')[];
  /** Whether images go to the model at `detail: "original"` (else `high`), the catalogue's `supports_image_detail_original`. */
  readonly supportsImageDetailOriginal: boolean;
  /** Whether the second developer message explains how to use skills (not just lists them). */
  readonly includeSkillsUsageInstructions: boolean;
  /** The slug model/list suggests upgrading to. */
  readonly upgrade: string | null;
  readonly additionalSpeedTiers: readonly string[];
  readonly serviceTiers: readonly { readonly id: string; readonly name: string; readonly description: string }[];
  readonly defaultServiceTier: string | null;
  readonly availabilityNux: { readonly message: string } | null;
  readonly modelSpecialty: string | null;
  readonly multiAgentReasoningEffort: string | null;
}

/**
 * Which base instructions a model gets. The catalogue's models all edit files with `apply_patch`; a model the
 * catalogue does not know gets no `apply_patch` tool, so its instructions say to edit files with the shell.
 */
export type InstructionsFamily = 'apply-patch' | 'shell-edits';

/** What this server knows about a model slug: catalogue facts, or the fallback for a model it does not know. */
export interface ModelFacts extends CatalogueModel {
  /** False when `slug` is not in the built-in catalogue and the fallback facts apply. */
  readonly inCatalogue: boolean;
  readonly instructionsFamily: InstructionsFamily;
  /** Percentage of the context window the agent plans with (the reference's 95). */
  readonly effectiveContextWindowPercent: number;
}

/**
 * The reference 0.169.0's facts for a model its catalogue does not know, as its requests show them: reasoning
 * summaries `auto` and no default effort, no verbosity control, no `apply_patch`, a 272,000-token window.
 */
function fallbackModel(slug: string): CatalogueModel {
  return {
    slug,
    displayName: slug,
    description: null,
    visibility: 'none',
    priority: 99,
    defaultReasoningEffort: null,
    supportedReasoningEfforts: [],
    supportsReasoningSummaries: true,
    defaultReasoningSummary: 'auto',
    supportsVerbosity: false,
    defaultVerbosity: null,
    applyPatchToolType: null,
    shellType: 'default',
    webSearchToolType: 'text',
    supportsSearchTool: false,
    multiAgentVersion: null,
    toolMode: null,
    contextWindow: 272_000,
    maxContextWindow: 272_000,
    autoCompactTokenLimit: null,
    truncationPolicy: { mode: 'bytes', limit: 10_000 },
    supportsParallelToolCalls: true,
    inputModalities: ['text', 'image'],
    supportsImageDetailOriginal: false,
    includeSkillsUsageInstructions: false,
    upgrade: null,
    additionalSpeedTiers: [],
    serviceTiers: [],
    defaultServiceTier: null,
    availabilityNux: null,
    modelSpecialty: null,
    multiAgentReasoningEffort: null,
  };
}

/** The facts of `slug`: its catalogue entry (exact slug), else the fallback facts. */
export function modelFacts(slug: string): ModelFacts {
  const known = BUILT_IN_MODELS.find((model) => model.slug === slug);
  const model = known ?? fallbackModel(slug);
  return {
    ...model,
    inCatalogue: known !== undefined,
    instructionsFamily: model.applyPatchToolType === null ? 'shell-edits' : 'apply-patch',
    effectiveContextWindowPercent: 95,
  };
}
