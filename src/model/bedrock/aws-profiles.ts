import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BedrockAccessKeysCredentials } from './bedrock-credentials.js';

/** Environment variables as `process.env` holds them. */
type Environment = Readonly<Record<string, string | undefined>>;

/** One named profile of the AWS shared files, merged: the config file's keys win over the credentials file's. */
export interface AwsProfile {
  readonly name: string;
  readonly region: string | null;
  /** Static keys (`aws_access_key_id` + `aws_secret_access_key`), or null for SSO, role or process profiles. */
  readonly keys: BedrockAccessKeysCredentials | null;
}

/**
 * The profiles of the AWS shared files — `AWS_CONFIG_FILE` (default `~/.aws/config`: `[default]`, `[profile <name>]`)
 * and `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`: `[<name>]`) — with `default` first, then by name,
 * as the reference lists them [observed]. Other sections (`[sso-session …]`, `[services …]`) are not profiles.
 * Missing or unreadable files count as empty.
 */
export async function readAwsProfiles(env: Environment): Promise<AwsProfile[]> {
  const home = env['HOME'] ?? homedir();
  const configFile = nonBlank(env['AWS_CONFIG_FILE']) ?? join(home, '.aws', 'config');
  const credentialsFile = nonBlank(env['AWS_SHARED_CREDENTIALS_FILE']) ?? join(home, '.aws', 'credentials');
  // The AWS SDK's own reader of the shared files (`[profile <name>]` headers stripped, comments skipped), from the
  // paths this environment names, read afresh each time.
  // Loaded on first use (Bedrock discovery and sign-in only), not at start-up.
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const files = await loadSharedConfigFiles({ configFilepath: configFile, filepath: credentialsFile, ignoreCache: true });
  const fromConfig = profilesOnly(files.configFile);
  const fromCredentials = new Map(Object.entries(files.credentialsFile));
  const names = new Set([...fromConfig.keys(), ...fromCredentials.keys()]);
  return [...names]
    .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))
    .map((name) => {
      const values = { ...fromCredentials.get(name), ...fromConfig.get(name) };
      const accessKeyId = nonBlank(values['aws_access_key_id']);
      const secretAccessKey = nonBlank(values['aws_secret_access_key']);
      const keys: BedrockAccessKeysCredentials | null =
        accessKeyId === undefined || secretAccessKey === undefined
          ? null
          : { mode: 'bedrockAccessKeys', accessKeyId, secretAccessKey, sessionToken: nonBlank(values['aws_session_token']) ?? null };
      return { name, region: nonBlank(values['region']) ?? null, keys };
    });
}

/** The AWS region the environment names (`AWS_REGION`, else `AWS_DEFAULT_REGION`), or null. */
export function environmentRegion(env: Environment): string | null {
  return nonBlank(env['AWS_REGION']) ?? nonBlank(env['AWS_DEFAULT_REGION']) ?? null;
}

/** Static AWS keys from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), or null. */
export function environmentKeys(env: Environment): BedrockAccessKeysCredentials | null {
  const accessKeyId = nonBlank(env['AWS_ACCESS_KEY_ID']);
  const secretAccessKey = nonBlank(env['AWS_SECRET_ACCESS_KEY']);
  if (accessKeyId === undefined || secretAccessKey === undefined) return null;
  return { mode: 'bedrockAccessKeys', accessKeyId, secretAccessKey, sessionToken: nonBlank(env['AWS_SESSION_TOKEN']) ?? null };
}

/** A Bedrock API key from `AWS_BEARER_TOKEN_BEDROCK`, or null. */
export function environmentBearerToken(env: Environment): string | null {
  return nonBlank(env['AWS_BEARER_TOKEN_BEDROCK'])?.trim() ?? null;
}

/** The config file's profiles: the reader also returns `[sso-session …]` and `[services …]` sections, as `<type>.<name>`. */
function profilesOnly(sections: Record<string, Record<string, string | undefined>>): Map<string, Record<string, string | undefined>> {
  return new Map(Object.entries(sections).filter(([name]) => !NON_PROFILE_SECTION.test(name)));
}

const NON_PROFILE_SECTION = /^(?:sso-session|services)\./;

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
