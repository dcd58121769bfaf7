import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { Uint32Schema } from '../common.js';
import {
  ExternalAgentConfigImportItemTypeFailureSchema,
  ExternalAgentConfigImportItemTypeSuccessSchema,
  ExternalAgentConfigMigrationItemTypeSchema,
} from './external-agent-imports.js';

/*
 * Finding other agents' configuration and importing it (`externalAgentConfig/detect` and `…/import`, with the
 * `…/import/progress` and `…/import/completed` notifications), as the reference's 0.169.0 JSON Schema names it.
 */

const named = (id: string) => z.object({ name: z.string() }).meta({ id });

export const MigrationDetailsSchema = lazySchema(() => z
  .object({
    plugins: z
      .array(z.object({ marketplaceName: z.string(), pluginNames: z.array(z.string()) }).meta({ id: 'PluginsMigration' }))
      .default([]),
    skills: z.array(named('SkillMigration')).default([]),
    sessions: z
      .array(
        z
          .object({ cwd: z.string(), path: z.string(), title: z.string().nullable().optional() })
          .meta({ id: 'SessionMigration' }),
      )
      .default([]),
    mcpServers: z.array(named('McpServerMigration')).default([]),
    hooks: z.array(named('HookMigration')).default([]),
    subagents: z.array(named('SubagentMigration')).default([]),
    commands: z.array(named('CommandMigration')).default([]),
    memory: z.array(z.string()).optional(),
  })
  .meta({ id: 'MigrationDetails' }));
export type MigrationDetails = z.infer<typeof MigrationDetailsSchema>;

export const ExternalAgentConfigMigrationItemSchema = lazySchema(() => z
  .object({
    itemType: ExternalAgentConfigMigrationItemTypeSchema,
    description: z.string(),
    cwd: z
      .string()
      .nullable()
      .optional()
      .describe('Null or empty means home-scoped migration; non-empty means repo-scoped migration.'),
    details: MigrationDetailsSchema.nullable().optional(),
  })
  .meta({ id: 'ExternalAgentConfigMigrationItem' }));
export type ExternalAgentConfigMigrationItem = z.infer<typeof ExternalAgentConfigMigrationItemSchema>;

export const ExternalAgentConfigDetectParamsSchema = lazySchema(() => z
  .object({
    includeHome: z.boolean().optional().describe("If true, include detection under the user's home directory."),
    cwds: z
      .array(z.string())
      .nullable()
      .optional()
      .describe('Zero or more working directories to include for repo-scoped detection.'),
    maxSessionAgeDays: Uint32Schema.nullable()
      .optional()
      .describe('Maximum age in days for detected sessions. Missing values use the default limit.'),
    maxSessions: Uint32Schema.nullable()
      .optional()
      .describe('Maximum number of sessions to detect. Missing values use the default limit.'),
    migrationSource: z
      .string()
      .nullable()
      .optional()
      .describe('Optional migration-source selector. Missing or unrecognized values use the default source.'),
    source: z
      .string()
      .nullable()
      .optional()
      .describe('Deprecated and ignored; `migrationSource` selects the migration source.'),
  })
  .meta({ id: 'ExternalAgentConfigDetectParams' }));
export type ExternalAgentConfigDetectParams = z.infer<typeof ExternalAgentConfigDetectParamsSchema>;

export const ExternalAgentDetectedConnectorCandidateSchema = lazySchema(() => z
  .object({
    name: z.string(),
    sessionCount: Uint32Schema,
    source: z
      .enum(['remoteMcpServersConfig', 'sessionToolUse'])
      .meta({ id: 'ExternalAgentDetectedConnectorSource' }),
  })
  .meta({ id: 'ExternalAgentDetectedConnectorCandidate' }));

export const ExternalAgentConfigDetectResponseSchema = lazySchema(() => z
  .object({
    items: z.array(ExternalAgentConfigMigrationItemSchema),
    connectors: z.array(ExternalAgentDetectedConnectorCandidateSchema).default([]),
  })
  .meta({ id: 'ExternalAgentConfigDetectResponse' }));
export type ExternalAgentConfigDetectResponse = z.infer<typeof ExternalAgentConfigDetectResponseSchema>;

export const ExternalAgentConfigImportParamsSchema = lazySchema(() => z
  .object({
    migrationItems: z.array(ExternalAgentConfigMigrationItemSchema),
    migrationSource: z
      .string()
      .nullable()
      .optional()
      .describe('The migration source detection used; missing or unrecognized values use the default source.'),
    providerId: z
      .string()
      .nullable()
      .optional()
      .describe('Opaque caller-supplied provider identifier, kept in the import history; it does not select the source.'),
    source: z.string().nullable().optional().describe('Optional identifier for the product that started the import.'),
  })
  .meta({ id: 'ExternalAgentConfigImportParams' }));
export type ExternalAgentConfigImportParams = z.infer<typeof ExternalAgentConfigImportParamsSchema>;

export const ExternalAgentConfigImportResponseSchema = lazySchema(() => z
  .object({ importId: z.string() })
  .meta({ id: 'ExternalAgentConfigImportResponse' }));

export const ExternalAgentConfigImportTypeResultSchema = lazySchema(() => z
  .object({
    itemType: ExternalAgentConfigMigrationItemTypeSchema,
    successes: z.array(ExternalAgentConfigImportItemTypeSuccessSchema),
    failures: z.array(ExternalAgentConfigImportItemTypeFailureSchema),
  })
  .meta({ id: 'ExternalAgentConfigImportTypeResult' }));
export type ExternalAgentConfigImportTypeResult = z.infer<typeof ExternalAgentConfigImportTypeResultSchema>;

const importResults = (id: string) =>
  z.object({ importId: z.string(), itemTypeResults: z.array(ExternalAgentConfigImportTypeResultSchema) }).meta({ id });

export const ExternalAgentConfigImportProgressNotificationSchema = lazySchema(() => importResults(
  'ExternalAgentConfigImportProgressNotification',
));
export const ExternalAgentConfigImportCompletedNotificationSchema = lazySchema(() => importResults(
  'ExternalAgentConfigImportCompletedNotification',
));
