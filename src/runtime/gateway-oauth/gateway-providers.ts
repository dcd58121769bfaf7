import type { ConfigToml, GatewayOAuthToml } from '../../config/schema.js';
import { OPENAI_PROVIDER_ID } from '../../model/provider.js';
import { UnknownModelProviderError } from '../models/model-catalogue.js';
import { defaultProviderId } from '../models/provider-summaries.js';

/** A configured model provider as gateway sign-in sees it. */
export interface GatewayProvider {
  readonly id: string;
  readonly name: string;
  /** The provider's `gateway_oauth` table, or null when its gateway needs no sign-in of its own. */
  readonly gatewayOAuth: GatewayOAuthToml | null;
}

/**
 * The display names of the built-in providers, as the reference 0.169.0 reports them here [observed]. A
 * `[model_providers.<id>]` table cannot redefine a built-in, so none of these has gateway OAuth.
 */
const BUILT_IN_NAMES: Readonly<Record<string, string>> = {
  [OPENAI_PROVIDER_ID]: 'OpenAI',
  ollama: 'gpt-oss',
  lmstudio: 'gpt-oss',
  'amazon-bedrock': 'Amazon Bedrock',
  'amazon-bedrock-runtime': 'Amazon Bedrock Runtime',
  gcp: 'Google Cloud Vertex AI',
};

/**
 * The provider named `requested`, else the one new threads use. A provider that is neither built in nor
 * configured is the reference's "no longer configured" error.
 */
export function gatewayProvider(config: ConfigToml, requested: string | null | undefined): GatewayProvider {
  const id = requested ?? defaultProviderId(config);
  const builtIn = Object.hasOwn(BUILT_IN_NAMES, id) ? BUILT_IN_NAMES[id] : undefined;
  if (builtIn !== undefined) return { id, name: builtIn, gatewayOAuth: null };
  const providers = config.model_providers ?? {};
  const table = Object.hasOwn(providers, id) ? providers[id] : undefined;
  if (table === undefined) throw new UnknownModelProviderError(id);
  return { id, name: table.name ?? id, gatewayOAuth: table.gateway_oauth ?? null };
}
