import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/**
 * Apps (ChatGPT connectors) come from ChatGPT's backend. Without a ChatGPT login there are none. `app/read` reads
 * their metadata from the backend; `app/list` and `app/installed` entries are typed as never produced.
 */
export const AppsListParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional(),
    limit: z.number().int().min(0).max(4_294_967_295).meta({ format: 'uint32' }).nullable().optional(),
    threadId: z.string().nullable().optional(),
    forceRefetch: z.boolean().optional(),
  })
  .meta({ id: 'AppsListParams' }));
export const AppsListResponseSchema = lazySchema(() => z
  .object({ data: z.array(z.never()), nextCursor: z.string().nullable() })
  .meta({ id: 'AppsListResponse' }));

export const AppsReadParamsSchema = lazySchema(() => z
  .object({
    appIds: z.array(z.string()).describe('App ids to read: at most 100; repeated ids are read once, in first-request order.'),
    threadId: z.string().nullable().optional(),
    includeTools: z.boolean().optional().describe("When true, each app's public tool summaries are included."),
  })
  .meta({ id: 'AppsReadParams' }));

export const AppToolSummarySchema = lazySchema(() => z
  .object({
    name: z.string(),
    title: z.string().nullable(),
    description: z.string(),
    isEnabled: z.boolean(),
    disabledReason: z.string().nullable(),
    isReadOnly: z.boolean(),
  })
  .meta({ id: 'AppToolSummary' }));

/** An app's display metadata as ChatGPT's backend describes it. */
export const ConnectorMetadataSchema = lazySchema(() => z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    iconUrl: z.string().nullable(),
    iconUrlDark: z.string().nullable(),
    distributionChannel: z.string().nullable(),
    installUrl: z.string().nullable(),
    pluginDisplayNames: z.array(z.string()),
    toolSummaries: z.array(AppToolSummarySchema).nullable(),
  })
  .meta({ id: 'ConnectorMetadata' }));
export type ConnectorMetadata = z.infer<typeof ConnectorMetadataSchema>;

export const AppsReadResponseSchema = lazySchema(() => z
  .object({ apps: z.array(ConnectorMetadataSchema), missingAppIds: z.array(z.string()) })
  .meta({ id: 'AppsReadResponse' }));

export const AppsInstalledParamsSchema = lazySchema(() => z
  .object({ threadId: z.string().nullable().optional(), forceRefresh: z.boolean().optional() })
  .meta({ id: 'AppsInstalledParams' }));
export const AppsInstalledResponseSchema = lazySchema(() => z.object({ apps: z.array(z.never()) }).meta({ id: 'AppsInstalledResponse' }));
