import type { AuthJson } from './auth-json.js';
import type { BedrockAuth } from './codex-auth.js';

/**
 * auth.json for an Amazon Bedrock login, field for field as the reference 0.169.0 writes it [observed]:
 * `auth_mode`, `OPENAI_API_KEY: null`, then `bedrock_api_key {api_key, region}` or `bedrock_access_keys
 * {access_key_id, secret_access_key, session_token?}` — the session token only when one was given.
 */
export function bedrockAuthJson(auth: BedrockAuth): AuthJson {
  if (auth.mode === 'bedrockApiKey') {
    return { auth_mode: auth.mode, OPENAI_API_KEY: null, bedrock_api_key: { api_key: auth.apiKey, region: auth.region } };
  }
  return {
    auth_mode: auth.mode,
    OPENAI_API_KEY: null,
    bedrock_access_keys: {
      access_key_id: auth.accessKeyId,
      secret_access_key: auth.secretAccessKey,
      ...(auth.sessionToken === null ? {} : { session_token: auth.sessionToken }),
    },
  };
}
