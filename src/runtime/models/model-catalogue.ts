import type { ConfigToml } from '../../config/schema.js';
import { ProviderConfigError, resolveProvider, type Environment, type ResolvedProvider } from '../../model/provider.js';
import type { Model, ReasoningEffortOption } from '../../protocol/v2/models.js';
import { DEFAULT_MODEL, DEFAULT_MODEL_PROVIDER } from '../threads/thread-settings.js';
import { untilAborted } from '../../util/abortable.js';
import { BUILT_IN_MODELS } from './catalogue-data.js';
import type { CatalogueModel } from './model-facts.js';
import { fetchProviderModels, type ProviderModel } from './provider-models.js';

/** The reference's description of each reasoning effort, as model/list shows it. */
const EFFORT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  low: 'Fast responses with lighter reasoning',
  medium: 'Balances speed and reasoning depth for everyday tasks',
  high: 'Greater reasoning depth for complex problems',
  xhigh: 'Extra high reasoning depth for complex problems',
  max: 'Maximum reasoning depth for the hardest problems',
  ultra: 'Maximum reasoning with automatic task delegation',
};

function effortOption(effort: string): ReasoningEffortOption {
  return { reasoningEffort: effort, description: EFFORT_DESCRIPTIONS[effort] ?? effort };
}

/**
 * The efforts every Responses API reasoning model accepts. Used for a model outside the catalogue when nothing
 * better is known about it: this server cannot know a custom model's real range.
 */
const STANDARD_EFFORTS: readonly ReasoningEffortOption[] = ['low', 'medium', 'high'].map(effortOption);
const DEFAULT_EFFORT = 'medium';

/** How long one provider's `/models` answer is reused, so that paging through model/list sees one list. */
const PROVIDER_CACHE_MS = 60_000;

/** The provider named by model/list's `modelProvider` is not configured (the reference's error). */
export class UnknownModelProviderError extends Error {
  readonly modelProvider: string;

  constructor(modelProvider: string) {
    super(
      `This chat uses model provider “${modelProvider}”, which is no longer configured. Restore this provider’s ` +
        'configuration to continue.',
    );
    this.name = 'UnknownModelProviderError';
    this.modelProvider = modelProvider;
  }
}

export interface ModelCatalogueOptions {
  /** The live configuration (config writes replace `config`). */
  readonly config: { readonly config: ConfigToml };
  readonly env: Environment;
  readonly fetchTimeoutMs?: number;
  /** The fetch `GET /models` goes through (the custom CA one, see net/outbound-fetch.ts). Default: global fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * The models a client can pick, as the reference 0.169.0 lists them [observed]: its built-in catalogue by priority,
 * the first one the default, models marked `hide` hidden. Then, unlike the reference, what a custom provider
 * serves: the configured model when the catalogue does not know it, and whatever the provider's
 * `GET {base_url}/models` reports.
 */
export class ModelCatalogue {
  readonly #options: ModelCatalogueOptions;
  readonly #cache = new Map<string, { at: number; models: Promise<ProviderModel[]> }>();

  constructor(options: ModelCatalogueOptions) {
    this.#options = options;
  }

  /**
   * Every model of `providerId` (default: the configured provider), hidden ones included. When `signal` aborts
   * (the asking client left), this stops waiting for the provider; the fetch itself goes on for the cache, which
   * other clients share.
   * @throws UnknownModelProviderError when `providerId` names no configured or built-in provider.
   */
  async list(providerId?: string | null, signal?: AbortSignal): Promise<Model[]> {
    const config = this.#options.config.config;
    const profile = config.profile === undefined ? undefined : config.profiles?.[config.profile];
    const configuredProvider = profile?.model_provider ?? config.model_provider ?? DEFAULT_MODEL_PROVIDER;
    const wanted = providerId ?? configuredProvider;
    const provider = this.#provider(config, wanted);
    const reported = provider === null ? [] : await untilAborted(this.#providerModels(provider), signal);
    const models: Model[] = builtInModels();
    const slug = profile?.model ?? config.model ?? DEFAULT_MODEL;
    if (wanted === configuredProvider && !models.some((known) => known.id === slug)) {
      const effort = profile?.model_reasoning_effort ?? config.model_reasoning_effort ?? null;
      models.push(configuredModel(slug, effort, reported.find((model) => model.id === slug)));
    }
    for (const model of reported) {
      if (models.some((known) => known.id === model.id)) continue;
      models.push(providerModel(model));
    }
    return models;
  }

  /** The provider to ask, or null when it cannot be asked (no credentials); throws for an unknown id. */
  #provider(config: ConfigToml, id: string): ResolvedProvider | null {
    // Resolve as if `id` were the configured provider; the active profile must not override the choice.
    const { profile: _profile, ...withoutProfile } = config;
    try {
      const provider = resolveProvider({ ...withoutProfile, model_provider: id }, this.#options.env);
      // A provider that needs the Codex login and has no key would only answer 401. Bedrock's endpoint depends on
      // the login and serves no model list this server reads.
      if (provider.bedrock !== null) return null;
      return provider.requiresOpenaiAuth && provider.bearerToken === null ? null : provider;
    } catch (error) {
      if (error instanceof ProviderConfigError && error.code === 'unknownProvider') {
        throw new UnknownModelProviderError(id);
      }
      if (error instanceof ProviderConfigError) return null;
      throw error;
    }
  }

  #providerModels(provider: ResolvedProvider): Promise<ProviderModel[]> {
    const key = `${provider.id}\n${provider.baseUrl}`;
    const cached = this.#cache.get(key);
    if (cached && Date.now() - cached.at < PROVIDER_CACHE_MS) return cached.models;
    const { fetchTimeoutMs: timeout, fetch } = this.#options;
    const models = fetchProviderModels(provider, {
      ...(timeout === undefined ? {} : { timeoutMs: timeout }),
      ...(fetch === undefined ? {} : { fetch }),
    });
    this.#cache.set(key, { at: Date.now(), models });
    return models;
  }
}

/** The built-in catalogue as model/list entries, by priority; the first is the default. */
function builtInModels(): Model[] {
  const sorted = [...BUILT_IN_MODELS].sort((a, b) => a.priority - b.priority);
  return sorted.map((model, index) => catalogueEntry(model, index === 0));
}

/**
 * One catalogue model. An upgrade names its successor only: the reference's migration text is OpenAI's product
 * copy, which this server does not reproduce.
 */
function catalogueEntry(model: CatalogueModel, isDefault: boolean): Model {
  return {
    ...baseModel({
      id: model.slug,
      displayName: model.displayName,
      description: model.description ?? '',
      hidden: model.visibility !== 'list',
      isDefault,
      supportedReasoningEfforts: model.supportedReasoningEfforts.map(effortOption),
      defaultReasoningEffort: model.defaultReasoningEffort ?? DEFAULT_EFFORT,
    }),
    upgrade: model.upgrade,
    upgradeInfo:
      model.upgrade === null
        ? null
        : { model: model.upgrade, upgradeCopy: null, modelLink: null, migrationMarkdown: null, retirementAt: null },
    availabilityNux: model.availabilityNux,
    modelSpecialty: model.modelSpecialty,
    inputModalities: [...model.inputModalities],
    multiAgentVersion: model.multiAgentVersion,
    additionalSpeedTiers: [...model.additionalSpeedTiers],
    serviceTiers: model.serviceTiers.map((tier) => ({ ...tier })),
    defaultServiceTier: model.defaultServiceTier,
  };
}

function configuredModel(slug: string, effort: string | null, reported: ProviderModel | undefined): Model {
  const known = reported?.reasoningEfforts.map((level) => ({ reasoningEffort: level.effort, description: level.description }));
  const efforts = known && known.length > 0 ? known : [...STANDARD_EFFORTS];
  // The configured effort is what turns will send, so it is always offered.
  if (effort !== null && !efforts.some((option) => option.reasoningEffort === effort)) {
    efforts.push({ reasoningEffort: effort, description: 'Configured reasoning effort' });
  }
  return baseModel({
    id: slug,
    displayName: reported?.displayName ?? slug,
    description: reported?.description ?? 'The model configured for this server.',
    hidden: false,
    isDefault: false,
    supportedReasoningEfforts: efforts,
    defaultReasoningEffort: effort ?? reported?.defaultReasoningEffort ?? DEFAULT_EFFORT,
  });
}

function providerModel(model: ProviderModel): Model {
  const efforts = model.reasoningEfforts.map((level) => ({ reasoningEffort: level.effort, description: level.description }));
  const supported = efforts.length > 0 ? efforts : [...STANDARD_EFFORTS];
  return baseModel({
    id: model.id,
    displayName: model.displayName ?? model.id,
    description: model.description ?? 'Reported by the model provider.',
    hidden: model.hidden,
    isDefault: false,
    supportedReasoningEfforts: supported,
    defaultReasoningEffort: model.defaultReasoningEffort ?? DEFAULT_EFFORT,
  });
}

/** Every key the reference writes; what this server cannot know (tiers, upgrades, access programs) is empty. */
function baseModel(fields: {
  id: string;
  displayName: string;
  description: string;
  hidden: boolean;
  isDefault: boolean;
  supportedReasoningEfforts: ReasoningEffortOption[];
  defaultReasoningEffort: string;
}): Model {
  return {
    id: fields.id,
    model: fields.id,
    upgrade: null,
    upgradeInfo: null,
    availabilityNux: null,
    displayName: fields.displayName,
    description: fields.description,
    modelSpecialty: null,
    hidden: fields.hidden,
    supportedReasoningEfforts: fields.supportedReasoningEfforts,
    defaultReasoningEffort: fields.defaultReasoningEffort,
    inputModalities: ['text', 'image'],
    supportsPersonality: false,
    multiAgentVersion: null,
    additionalSpeedTiers: [],
    serviceTiers: [],
    defaultServiceTier: null,
    availableAccessPrograms: null,
    isDefault: fields.isDefault,
  };
}
