import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';
import {
  PluginShareDiscoverabilitySchema,
  PluginSharePrincipalSchema,
  PluginSharePrincipalTypeSchema,
  PluginSummarySchema,
} from './plugins.js';

/**
 * Plugin sharing and remote plugin skills live in ChatGPT's plugin catalogue. Checking out a share is answered only
 * as the reference does without a ChatGPT login (a refusal), so its result is typed as never produced.
 */
const ShareTargetSchema = lazySchema(() => z
  .object({ principalType: PluginSharePrincipalTypeSchema, principalId: z.string(), role: z.enum(['reader', 'editor']) })
  .meta({ id: 'PluginShareTarget' }));

export const PluginShareSaveParamsSchema = lazySchema(() => z
  .object({
    pluginPath: AbsolutePathSchema,
    remotePluginId: z.string().nullable().optional(),
    discoverability: z.enum(['LISTED', 'UNLISTED', 'PRIVATE']).nullable().optional(),
    shareTargets: z.array(ShareTargetSchema).nullable().optional(),
  })
  .meta({ id: 'PluginShareSaveParams' }));
export const PluginShareUpdateTargetsParamsSchema = lazySchema(() => z
  .object({
    remotePluginId: z.string(),
    discoverability: z.enum(['UNLISTED', 'PRIVATE', 'LISTED']),
    shareTargets: z.array(ShareTargetSchema),
  })
  .meta({ id: 'PluginShareUpdateTargetsParams' }));
export const PluginShareListParamsSchema = lazySchema(() => z.object({}).meta({ id: 'PluginShareListParams' }));
export const PluginShareCheckoutParamsSchema = lazySchema(() => z.object({ remotePluginId: z.string() }).meta({ id: 'PluginShareCheckoutParams' }));
export const PluginShareDeleteParamsSchema = lazySchema(() => z.object({ remotePluginId: z.string() }).meta({ id: 'PluginShareDeleteParams' }));
export const PluginSkillReadParamsSchema = lazySchema(() => z
  .object({ remoteMarketplaceName: z.string(), remotePluginId: z.string(), skillName: z.string() })
  .meta({ id: 'PluginSkillReadParams' }));

export const PluginSkillReadResponseSchema = lazySchema(() => z
  .object({ contents: z.string().nullable().describe("The skill's SKILL.md, when the catalogue has it.") })
  .meta({ id: 'PluginSkillReadResponse' }));

export const PluginShareListResponseSchema = lazySchema(() => z
  .object({
    data: z.array(
      z
        .object({
          plugin: PluginSummarySchema,
          localPluginPath: AbsolutePathSchema.nullable().describe('Where the shared plugin was saved from, when known here.'),
        })
        .meta({ id: 'PluginShareListItem' }),
    ),
  })
  .meta({ id: 'PluginShareListResponse' }));

export const PluginShareUpdateTargetsResponseSchema = lazySchema(() => z
  .object({ principals: z.array(PluginSharePrincipalSchema), discoverability: PluginShareDiscoverabilitySchema })
  .meta({ id: 'PluginShareUpdateTargetsResponse' }));

export const PluginShareSaveResponseSchema = lazySchema(() => z
  .object({
    remotePluginId: z.string(),
    shareUrl: z.string().describe('Empty when the service gives no share URL.'),
    canPublishToWorkspace: z.boolean().nullable(),
  })
  .meta({ id: 'PluginShareSaveResponse' }));

export const PluginShareDeleteResponseSchema = lazySchema(() => z.object({}).meta({ id: 'PluginShareDeleteResponse' }));

/** A shared plugin checked out into the user's personal marketplace (`~/.agents/plugins/marketplace.json`). */
export const PluginShareCheckoutResponseSchema = lazySchema(() => z
  .object({
    remotePluginId: z.string(),
    pluginId: z.string(),
    pluginName: z.string(),
    pluginPath: AbsolutePathSchema,
    marketplaceName: z.string(),
    marketplacePath: AbsolutePathSchema,
    remoteVersion: z.string().nullable().optional(),
  })
  .meta({ id: 'PluginShareCheckoutResponse' }));
export type PluginShareCheckoutResponse = z.infer<typeof PluginShareCheckoutResponseSchema>;
