import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';

/*
 * `fuzzyFileSearch` and its session variants (the composer's `@` file picker). Field names are snake_case on
 * the results, as the reference sends them.
 */

export const FuzzyFileSearchMatchTypeSchema = lazySchema(() => z.enum(['file', 'directory']).meta({ id: 'FuzzyFileSearchMatchType' }));
export type FuzzyFileSearchMatchType = z.infer<typeof FuzzyFileSearchMatchTypeSchema>;

export const FuzzyFileSearchResultSchema = lazySchema(() => z
  .object({
    root: z.string(),
    path: z.string(),
    match_type: FuzzyFileSearchMatchTypeSchema,
    file_name: z.string(),
    score: Uint32Schema,
    indices: z.array(Uint32Schema).nullable().optional(),
  })
  .meta({ id: 'FuzzyFileSearchResult' }));
export type FuzzyFileSearchResult = z.infer<typeof FuzzyFileSearchResultSchema>;

export const FuzzyFileSearchParamsSchema = lazySchema(() => z
  .object({ query: z.string(), roots: z.array(z.string()), cancellationToken: z.string().nullable().optional() })
  .meta({ id: 'FuzzyFileSearchParams' }));
export type FuzzyFileSearchParams = z.infer<typeof FuzzyFileSearchParamsSchema>;

export const FuzzyFileSearchResponseSchema = lazySchema(() => z
  .object({ files: z.array(FuzzyFileSearchResultSchema) })
  .meta({ id: 'FuzzyFileSearchResponse' }));

export const FuzzyFileSearchSessionStartParamsSchema = lazySchema(() => z
  .object({ sessionId: z.string(), roots: z.array(z.string()) })
  .meta({ id: 'FuzzyFileSearchSessionStartParams' }));
export const FuzzyFileSearchSessionStartResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'FuzzyFileSearchSessionStartResponse' }));

export const FuzzyFileSearchSessionUpdateParamsSchema = lazySchema(() => z
  .object({ sessionId: z.string(), query: z.string() })
  .meta({ id: 'FuzzyFileSearchSessionUpdateParams' }));
export const FuzzyFileSearchSessionUpdateResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'FuzzyFileSearchSessionUpdateResponse' }));

export const FuzzyFileSearchSessionStopParamsSchema = lazySchema(() => z
  .object({ sessionId: z.string() })
  .meta({ id: 'FuzzyFileSearchSessionStopParams' }));
export const FuzzyFileSearchSessionStopResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'FuzzyFileSearchSessionStopResponse' }));

export const FuzzyFileSearchSessionUpdatedNotificationSchema = lazySchema(() => z
  .object({ sessionId: z.string(), query: z.string(), files: z.array(FuzzyFileSearchResultSchema) })
  .meta({ id: 'FuzzyFileSearchSessionUpdatedNotification' }));

export const FuzzyFileSearchSessionCompletedNotificationSchema = lazySchema(() => z
  .object({ sessionId: z.string() })
  .meta({ id: 'FuzzyFileSearchSessionCompletedNotification' }));
