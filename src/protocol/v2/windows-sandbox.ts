import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ClientPathSchema } from './fs.js';

/* `windowsSandbox/*`: setting up the Windows sandbox, as the reference's 0.169.0 JSON Schema names it. */

export const WindowsSandboxSetupModeSchema = lazySchema(() => z.enum(['elevated', 'unelevated']).meta({ id: 'WindowsSandboxSetupMode' }));
export type WindowsSandboxSetupMode = z.infer<typeof WindowsSandboxSetupModeSchema>;

export const WindowsSandboxSetupStartParamsSchema = lazySchema(() => z
  .object({ cwd: ClientPathSchema.nullable().optional(), mode: WindowsSandboxSetupModeSchema })
  .meta({ id: 'WindowsSandboxSetupStartParams' }));
export type WindowsSandboxSetupStartParams = z.infer<typeof WindowsSandboxSetupStartParamsSchema>;

export const WindowsSandboxSetupStartResponseSchema = lazySchema(() => z
  .object({ started: z.boolean() })
  .meta({ id: 'WindowsSandboxSetupStartResponse' }));

/** No params: the reference's schema has `params: null` (like `account/logout`). */
export const WindowsSandboxReadinessParamsSchema = lazySchema(() => z.object({}));

export const WindowsSandboxReadinessResponseSchema = lazySchema(() => z
  .object({
    status: z.enum(['ready', 'notConfigured', 'updateRequired']).meta({ id: 'WindowsSandboxReadiness' }),
  })
  .meta({ id: 'WindowsSandboxReadinessResponse' }));

export const WindowsSandboxSetupCompletedNotificationSchema = lazySchema(() => z
  .object({ error: z.string().nullable().optional(), mode: WindowsSandboxSetupModeSchema, success: z.boolean() })
  .meta({ id: 'WindowsSandboxSetupCompletedNotification' }));
