/**
 * The regions Amazon Bedrock sign-in and requests accept in the reference 0.169.0 [observed: every other AWS
 * region, and any other spelling, is refused with ``Amazon Bedrock does not support region `<region>` ``]. The
 * two GovCloud regions are accepted; `account/bedrock/checkGovCloudRequirements` then reports them.
 */
const SUPPORTED_REGIONS: ReadonlySet<string> = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'us-gov-west-1',
  'us-gov-east-1',
  'sa-east-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-north-1',
  'eu-south-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-southeast-3',
]);

/** The AWS service name Bedrock's OpenAI-compatible ("Mantle") endpoint signs requests for. */
export const BEDROCK_MANTLE_SERVICE = 'bedrock-mantle';

export function isSupportedBedrockRegion(region: string): boolean {
  return SUPPORTED_REGIONS.has(region);
}

/** The reference's refusal of a region, word for word. */
export function unsupportedRegionMessage(region: string): string {
  return `Amazon Bedrock does not support region \`${region}\``;
}

export function isGovCloudRegion(region: string): boolean {
  return region.startsWith('us-gov-');
}

/** The Responses-compatible endpoint of a region: requests go to `{this}/responses`. */
export function bedrockMantleBaseUrl(region: string): string {
  return `https://bedrock-mantle.${region}.api.aws/openai/v1`;
}
