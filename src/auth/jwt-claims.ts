import { lazySchema } from '../util/lazy-schema.js';
import * as z from 'zod';

/**
 * What the ChatGPT tokens say about the account. The reference reads these claims without verifying the
 * signature (the backend verifies the token; the server only needs to display and route), and so does this.
 */
export interface ChatgptClaims {
  readonly email: string | null;
  /** `chatgpt_plan_type`, as the token spells it (e.g. `plus`, `pro`). */
  readonly planType: string | null;
  readonly accountId: string | null;
  readonly userId: string | null;
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number | null;
}

const AuthClaimSchema = lazySchema(() => z.looseObject({
  chatgpt_plan_type: z.string().nullish(),
  chatgpt_account_id: z.string().nullish(),
  chatgpt_user_id: z.string().nullish(),
  user_id: z.string().nullish(),
}));

const PayloadSchema = lazySchema(() => z.looseObject({
  email: z.string().nullish(),
  exp: z.number().nullish(),
  'https://api.openai.com/auth': AuthClaimSchema.nullish(),
  'https://api.openai.com/profile': z.looseObject({ email: z.string().nullish() }).nullish(),
}));

const NO_CLAIMS: ChatgptClaims = { email: null, planType: null, accountId: null, userId: null, expiresAt: null };

/** The claims of a JWT's payload; all null when `token` is not a JWT with a JSON payload. */
export function chatgptClaims(token: string | null | undefined): ChatgptClaims {
  const payload = token?.split('.')[1];
  if (payload === undefined) return NO_CLAIMS;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return NO_CLAIMS;
  }
  const parsed = PayloadSchema.safeParse(value);
  if (!parsed.success) return NO_CLAIMS;
  const claims = parsed.data;
  const auth = claims['https://api.openai.com/auth'];
  return {
    email: claims.email ?? claims['https://api.openai.com/profile']?.email ?? null,
    planType: auth?.chatgpt_plan_type ?? null,
    accountId: auth?.chatgpt_account_id ?? null,
    userId: auth?.chatgpt_user_id ?? auth?.user_id ?? null,
    expiresAt: claims.exp ?? null,
  };
}
