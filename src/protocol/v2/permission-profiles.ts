import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';

export const PermissionProfileListParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional().describe('Opaque pagination cursor returned by a previous call.'),
    limit: Uint32Schema.nullable().optional().describe('Optional page size; defaults to the full result set.'),
    cwd: z.string().nullable().optional().describe('Optional working directory to resolve project config layers.'),
  })
  .meta({ id: 'PermissionProfileListParams' }));

export const PermissionProfileSummarySchema = lazySchema(() => z
  .object({
    id: z.string().describe('Available permission profile identifier.'),
    description: z.string().nullable().optional().describe('Optional user-facing description for display in clients.'),
    allowed: z.boolean().describe('Whether the effective requirements allow selecting this profile.'),
  })
  .meta({ id: 'PermissionProfileSummary' }));
export type PermissionProfileSummary = z.infer<typeof PermissionProfileSummarySchema>;

export const PermissionProfileListResponseSchema = lazySchema(() => z
  .object({ data: z.array(PermissionProfileSummarySchema), nextCursor: z.string().nullable().optional() })
  .meta({ id: 'PermissionProfileListResponse' }));
