import * as z from 'zod';

/**
 * Apps (ChatGPT connectors) come from ChatGPT's backend. Without a ChatGPT login there are none, which is all this
 * server answers; app entries are typed as never produced.
 */
export const AppsListParamsSchema = z
  .object({
    cursor: z.string().nullable().optional(),
    limit: z.number().int().min(0).max(4_294_967_295).meta({ format: 'uint32' }).nullable().optional(),
    threadId: z.string().nullable().optional(),
    forceRefetch: z.boolean().optional(),
  })
  .meta({ id: 'AppsListParams' });
export const AppsListResponseSchema = z
  .object({ data: z.array(z.never()), nextCursor: z.string().nullable() })
  .meta({ id: 'AppsListResponse' });

export const AppsReadParamsSchema = z
  .object({ appIds: z.array(z.string()), threadId: z.string().nullable().optional(), includeTools: z.boolean().optional() })
  .meta({ id: 'AppsReadParams' });
export const AppsReadResponseSchema = z
  .object({ apps: z.array(z.never()), missingAppIds: z.array(z.string()) })
  .meta({ id: 'AppsReadResponse' });

export const AppsInstalledParamsSchema = z
  .object({ threadId: z.string().nullable().optional(), forceRefresh: z.boolean().optional() })
  .meta({ id: 'AppsInstalledParams' });
export const AppsInstalledResponseSchema = z.object({ apps: z.array(z.never()) }).meta({ id: 'AppsInstalledResponse' });
