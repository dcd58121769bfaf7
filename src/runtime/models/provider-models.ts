import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import type { ResolvedProvider } from '../../model/provider.js';

/**
 * What a provider's `GET {base_url}/models` says about one model. Two dialects are understood: the OpenAI-compatible
 * list (`{"data": [{"id": …}]}`, what most providers and local servers speak) and Codex's own catalogue
 * (`{"models": [{"slug", "display_name", "supported_reasoning_levels", …}]}`, what the ChatGPT backend serves).
 */
export interface ProviderModel {
  readonly id: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly hidden: boolean;
  readonly reasoningEfforts: readonly { readonly effort: string; readonly description: string }[];
  readonly defaultReasoningEffort: string | null;
}

const OpenAiModelListSchema = lazySchema(() => z.object({ data: z.array(z.looseObject({ id: z.string().min(1) })) }));

const CodexModelListSchema = lazySchema(() => z.object({
  models: z.array(
    z.looseObject({
      slug: z.string().min(1),
      display_name: z.string().nullish(),
      description: z.string().nullish(),
      visibility: z.string().nullish(),
      default_reasoning_level: z.string().nullish(),
      supported_reasoning_levels: z
        .array(z.looseObject({ effort: z.string().min(1), description: z.string().nullish() }))
        .nullish(),
    }),
  ),
}));

/** How long a provider gets to answer: model/list is on the terminal UI's start-up path. */
export const PROVIDER_MODELS_TIMEOUT_MS = 2_000;

/**
 * Asks the provider which models it serves. Any failure (refused connection, timeout, non-2xx, a body in neither
 * dialect) is an empty answer: the catalogue still has the configured model, and the provider not listing
 * models is common (the reference itself never asks a custom provider).
 */
export async function fetchProviderModels(
  provider: ResolvedProvider,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<ProviderModel[]> {
  const url = new URL(`${provider.baseUrl}/models`);
  for (const [name, value] of Object.entries(provider.queryParams)) url.searchParams.append(name, value);
  const headers: Record<string, string> = { accept: 'application/json', ...provider.httpHeaders };
  if (provider.bearerToken !== null) headers['authorization'] = `Bearer ${provider.bearerToken}`;
  let body: unknown;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? PROVIDER_MODELS_TIMEOUT_MS),
    });
    if (!response.ok) return [];
    body = await response.json();
  } catch {
    return [];
  }
  return parseProviderModels(body);
}

/** The models in a `/models` body, in the provider's order; unknown shapes give none. */
export function parseProviderModels(body: unknown): ProviderModel[] {
  const codex = CodexModelListSchema.safeParse(body);
  if (codex.success) {
    return codex.data.models.map((model) => ({
      id: model.slug,
      displayName: model.display_name ?? null,
      description: model.description ?? null,
      hidden: model.visibility === 'hide' || model.visibility === 'none',
      reasoningEfforts: (model.supported_reasoning_levels ?? []).map((level) => ({
        effort: level.effort,
        description: level.description ?? '',
      })),
      defaultReasoningEffort: model.default_reasoning_level ?? null,
    }));
  }
  const openai = OpenAiModelListSchema.safeParse(body);
  if (openai.success) {
    return openai.data.data.map((model) => ({
      id: model.id,
      displayName: null,
      description: null,
      hidden: false,
      reasoningEfforts: [],
      defaultReasoningEffort: null,
    }));
  }
  return [];
}
