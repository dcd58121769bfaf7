import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Int64Schema, Uint32Schema } from '../common.js';

/*
 * The history of imports from other agents' configuration (`externalAgentConfig/import/recordHistory` and
 * `…/readHistories`), as the reference's 0.169.0 JSON Schema names it.
 */

export const ExternalAgentConfigMigrationItemTypeSchema = lazySchema(() => z
  .enum(['AGENTS_MD', 'CONFIG', 'SKILLS', 'PLUGINS', 'MCP_SERVER_CONFIG', 'SUBAGENTS', 'HOOKS', 'COMMANDS', 'MEMORY', 'SESSIONS'])
  .meta({ id: 'ExternalAgentConfigMigrationItemType' }));

const nullableString = () => z.string().nullable().optional();

export const ExternalAgentConfigImportItemTypeFailureSchema = lazySchema(() => z
  .object({
    itemType: ExternalAgentConfigMigrationItemTypeSchema,
    errorType: nullableString(),
    subErrorType: nullableString(),
    failureStage: z.string(),
    message: z.string(),
    cwd: nullableString(),
    source: nullableString(),
  })
  .meta({ id: 'ExternalAgentConfigImportItemTypeFailure' }));
export type ExternalAgentConfigImportItemTypeFailure = z.infer<typeof ExternalAgentConfigImportItemTypeFailureSchema>;

export const ExternalAgentConfigImportHistoryRecordSuccessParamsSchema = lazySchema(() => z
  .object({
    itemType: ExternalAgentConfigMigrationItemTypeSchema,
    cwd: nullableString(),
    source: nullableString(),
    target: nullableString(),
    title: z.string().nullable().default(null).describe('Original title for an imported session, when available.'),
  })
  .meta({ id: 'ExternalAgentConfigImportHistoryRecordSuccessParams' }));

export const ExternalAgentConfigImportHistoryRecordTypeResultParamsSchema = lazySchema(() => z
  .object({
    itemType: ExternalAgentConfigMigrationItemTypeSchema,
    successes: z.array(ExternalAgentConfigImportHistoryRecordSuccessParamsSchema),
    failures: z.array(ExternalAgentConfigImportItemTypeFailureSchema),
  })
  .meta({ id: 'ExternalAgentConfigImportHistoryRecordTypeResultParams' }));

export const ExternalAgentConfigImportHistoryRecordParamsSchema = lazySchema(() => z
  .object({
    providerId: z.string().describe('Opaque provider identifier for the externally completed import.'),
    itemTypeResults: z
      .array(ExternalAgentConfigImportHistoryRecordTypeResultParamsSchema)
      .describe('Completed results grouped by imported item type.'),
  })
  .meta({ id: 'ExternalAgentConfigImportHistoryRecordParams' }));
export type ExternalAgentConfigImportHistoryRecordParams = z.infer<typeof ExternalAgentConfigImportHistoryRecordParamsSchema>;

export const ExternalAgentConfigImportHistoryRecordResponseSchema = lazySchema(() => z
  .object({ importId: z.string() })
  .meta({ id: 'ExternalAgentConfigImportHistoryRecordResponse' }));

export const ExternalAgentConfigImportItemTypeSuccessSchema = lazySchema(() => z
  .object({
    itemType: ExternalAgentConfigMigrationItemTypeSchema,
    cwd: nullableString(),
    source: nullableString(),
    target: nullableString(),
    title: z.string().nullable().default(null).describe('Original title for an imported session; null for other item types.'),
  })
  .meta({ id: 'ExternalAgentConfigImportItemTypeSuccess' }));

export const ExternalAgentConfigImportHistorySchema = lazySchema(() => z
  .object({
    importId: z.string(),
    providerId: nullableString(),
    completedAtMs: Int64Schema,
    successes: z.array(ExternalAgentConfigImportItemTypeSuccessSchema),
    failures: z.array(ExternalAgentConfigImportItemTypeFailureSchema),
  })
  .meta({ id: 'ExternalAgentConfigImportHistory' }));
export type ExternalAgentConfigImportHistory = z.infer<typeof ExternalAgentConfigImportHistorySchema>;

export const ExternalAgentImportedConnectorCandidateSchema = lazySchema(() => z
  .object({
    name: z.string(),
    sessionCount: Uint32Schema,
    source: z.enum(['remoteMcpServersConfig']).meta({ id: 'ExternalAgentImportedConnectorSource' }),
  })
  .meta({ id: 'ExternalAgentImportedConnectorCandidate' }));

/** No params: the reference's schema has `params: null`. */
export const ExternalAgentConfigImportHistoriesReadParamsSchema = lazySchema(() => z.object({}));

export const ExternalAgentConfigImportHistoriesReadResponseSchema = lazySchema(() => z
  .object({
    data: z.array(ExternalAgentConfigImportHistorySchema),
    connectors: z.array(ExternalAgentImportedConnectorCandidateSchema),
  })
  .meta({ id: 'ExternalAgentConfigImportHistoriesReadResponse' }));
