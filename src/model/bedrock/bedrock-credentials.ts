/**
 * Amazon Bedrock credentials as the `amazon-bedrock` provider uses them. The Codex login stores them (auth.json,
 * see docs/bedrock.md); this layer only needs their shape, so the auth layer implements
 * {@link BedrockCredentialSource} without the model layer knowing where they live.
 */

/** A Bedrock API key: sent as `Authorization: Bearer`; requests go to the region it was issued for. */
export interface BedrockApiKeyCredentials {
  readonly mode: 'bedrockApiKey';
  readonly apiKey: string;
  readonly region: string;
}

/** AWS access keys: requests are SigV4-signed for the `bedrock-mantle` service in the configured region. */
export interface BedrockAccessKeysCredentials {
  readonly mode: 'bedrockAccessKeys';
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | null;
}

export type BedrockCredentials = BedrockApiKeyCredentials | BedrockAccessKeysCredentials;

/** Where the `amazon-bedrock` provider gets its credentials: asked before every request (a login applies at once). */
export interface BedrockCredentialSource {
  /** The stored Bedrock login, or null when there is none. */
  bedrockLogin(): Promise<BedrockCredentials | null>;
}
