import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

export const TextPositionSchema = lazySchema(() => z
  .object({
    line: z.number().int().min(0).meta({ format: 'uint' }).describe('1-based line number.'),
    column: z.number().int().min(0).meta({ format: 'uint' }).describe('1-based column number.'),
  })
  .meta({ id: 'TextPosition' }));

export const TextRangeSchema = lazySchema(() => z
  .object({ start: TextPositionSchema, end: TextPositionSchema })
  .meta({ id: 'TextRange' }));

/** A problem found in the configuration at startup, reported to each client right after `initialize`. */
export const ConfigWarningNotificationSchema = lazySchema(() => z
  .object({
    summary: z.string().describe('Concise summary of the warning.'),
    details: z.string().nullable().optional().describe('Optional extra guidance or error details.'),
    path: z.string().nullable().optional().describe('Optional path to the config file that triggered the warning.'),
    range: TextRangeSchema.nullable().optional().describe('Optional range of the problem inside the config file.'),
  })
  .meta({ id: 'ConfigWarningNotification' }));
export type ConfigWarningNotification = z.infer<typeof ConfigWarningNotificationSchema>;

export const RemoteControlConnectionStatusSchema = lazySchema(() => z
  .enum(['disabled', 'connecting', 'connected', 'errored'])
  .meta({ id: 'RemoteControlConnectionStatus' }));

/**
 * Remote-control status snapshot. We never enrol with a remote-control service, so the status is always
 * `disabled`; the reference sends this snapshot to every newly initialized client and clients expect it.
 */
export const RemoteControlStatusChangedNotificationSchema = lazySchema(() => z
  .object({
    status: RemoteControlConnectionStatusSchema,
    serverName: z.string(),
    installationId: z.string(),
    environmentId: z.string().nullable().optional(),
  })
  .meta({ id: 'RemoteControlStatusChangedNotification' }));
export type RemoteControlStatusChangedNotification = z.infer<typeof RemoteControlStatusChangedNotificationSchema>;
