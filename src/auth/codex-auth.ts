import { PlanTypeSchema, type AuthMode } from '../protocol/v2/account.js';
import type { PlanType } from '../protocol/v2/rate-limits.js';
import type { BedrockCredentials } from '../model/bedrock/bedrock-credentials.js';
import type { AuthJson } from './auth-json.js';
import { chatgptClaims } from './jwt-claims.js';

/** A ChatGPT login: the access token authenticates, the account id routes (`chatgpt-account-id`). */
export interface ChatgptCredentials {
  readonly accessToken: string;
  readonly accountId: string | null;
  readonly email: string | null;
  readonly planType: PlanType;
  readonly userId: string | null;
}

/** Either Amazon Bedrock login Codex manages (stored in auth.json); the model layer's credential shapes. */
export type BedrockAuth = BedrockCredentials;

/**
 * How the server authenticates to its model provider, as the reference's `CodexAuth` distinguishes it:
 * - `apikey`: a key stored in auth.json (`Authorization: Bearer <key>`);
 * - `chatgpt`: ChatGPT tokens stored in auth.json (managed by Codex);
 * - `chatgptAuthTokens`: ChatGPT tokens a client handed over with `account/login/start`; they live in memory only
 *   and the client refreshes them when asked (`account/chatgptAuthTokens/refresh`);
 * - `bedrockApiKey` / `bedrockAccessKeys`: Amazon Bedrock credentials stored in auth.json, used only by the
 *   `amazon-bedrock` provider (see docs/bedrock.md).
 */
export type CodexAuth =
  | { readonly mode: 'apikey'; readonly apiKey: string }
  | ({ readonly mode: 'chatgpt' } & ChatgptCredentials)
  | ({ readonly mode: 'chatgptAuthTokens' } & ChatgptCredentials)
  | BedrockAuth;

/** A plan name as a wire PlanType; names this version does not know are `unknown`, as in the reference. */
export function planTypeOf(raw: string | null | undefined): PlanType {
  const parsed = PlanTypeSchema.safeParse(raw?.toLowerCase());
  return parsed.success ? parsed.data : 'unknown';
}

/** The login auth.json holds, or null. Files without `auth_mode` (older Codex) are an API key when one is set. */
export function authFromJson(json: AuthJson): CodexAuth | null {
  const apiKey = json.OPENAI_API_KEY?.trim();
  const mode = json.auth_mode ?? (apiKey ? 'apikey' : 'chatgpt');
  if (mode === 'apikey') return apiKey ? { mode: 'apikey', apiKey } : null;
  if (mode === 'bedrockApiKey' || mode === 'bedrockAccessKeys') return bedrockAuthFromJson(json, mode);
  if (mode !== 'chatgpt') return null;
  const accessToken = json.tokens?.access_token;
  if (!accessToken) return null;
  const identity = chatgptClaims(json.tokens?.id_token);
  return {
    mode: 'chatgpt',
    accessToken,
    accountId: json.tokens?.account_id ?? identity.accountId,
    email: identity.email,
    planType: planTypeOf(identity.planType),
    userId: identity.userId,
  };
}

function bedrockAuthFromJson(json: AuthJson, mode: BedrockAuth['mode']): BedrockAuth | null {
  if (mode === 'bedrockApiKey') {
    const stored = json.bedrock_api_key;
    return stored ? { mode, apiKey: stored.api_key, region: stored.region } : null;
  }
  const keys = json.bedrock_access_keys;
  if (!keys) return null;
  return {
    mode,
    accessKeyId: keys.access_key_id,
    secretAccessKey: keys.secret_access_key,
    sessionToken: keys.session_token ?? null,
  };
}

/**
 * Tokens a client supplied (`chatgptAuthTokens` login or a refresh answer). A plan type the client leaves out is
 * read from the access token's claims, else `unknown` (the schema's documented rule).
 */
export function externalChatgptAuth(accessToken: string, accountId: string, planType: string | null | undefined): CodexAuth {
  const claims = chatgptClaims(accessToken);
  return {
    mode: 'chatgptAuthTokens',
    accessToken,
    accountId,
    email: claims.email,
    planType: planTypeOf(planType ?? claims.planType),
    userId: claims.userId,
  };
}

/** True for both kinds of ChatGPT login. */
export function isChatgptAuth(auth: CodexAuth | null): auth is Extract<CodexAuth, { mode: 'chatgpt' | 'chatgptAuthTokens' }> {
  return auth !== null && (auth.mode === 'chatgpt' || auth.mode === 'chatgptAuthTokens');
}

/** True for both kinds of Amazon Bedrock login. */
export function isBedrockAuth(auth: CodexAuth | null): auth is BedrockAuth {
  return auth !== null && (auth.mode === 'bedrockApiKey' || auth.mode === 'bedrockAccessKeys');
}

/** A login that authenticates to OpenAI (an API key or ChatGPT tokens), as opposed to a Bedrock one. */
export type OpenaiAuth = Exclude<CodexAuth, BedrockAuth>;

/** `account/updated`'s view of a login. */
export function accountUpdate(auth: CodexAuth | null): { authMode: AuthMode | null; planType: PlanType | null } {
  if (auth === null) return { authMode: null, planType: null };
  return { authMode: auth.mode, planType: isChatgptAuth(auth) ? auth.planType : null };
}

/** Headers that authenticate a request to OpenAI or the ChatGPT backend with this login. */
export function authHeaders(auth: OpenaiAuth): Record<string, string> {
  if (auth.mode === 'apikey') return { authorization: `Bearer ${auth.apiKey}` };
  const headers: Record<string, string> = { authorization: `Bearer ${auth.accessToken}` };
  if (auth.accountId !== null) headers['chatgpt-account-id'] = auth.accountId;
  return headers;
}
