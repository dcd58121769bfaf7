import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { SandboxPolicySchema } from './policies.js';

/*
 * Params, results and the output notification of the `command/exec*` family (docs/protocol.md#standalone-commands): a
 * standalone command (argv, no shell of ours) run without a thread, scoped to the connection that started it. Field
 * texts follow the reference's generated schema. Params follow its serde rules: plain booleans may be omitted (false)
 * but not null, nullable fields may be omitted or null.
 */

const u16 = () => z.number().int().min(0).max(65_535).meta({ format: 'uint16' });

export const CommandExecTerminalSizeSchema = lazySchema(() => z
  .object({
    rows: u16().describe('Terminal height in character cells.'),
    cols: u16().describe('Terminal width in character cells.'),
  })
  .meta({ id: 'CommandExecTerminalSize', description: 'PTY size in character cells for `command/exec` PTY sessions.' }));
export type CommandExecTerminalSize = z.infer<typeof CommandExecTerminalSizeSchema>;

export const CommandExecParamsSchema = lazySchema(() => z
  .object({
    command: z.array(z.string()).describe('Command argv vector. Empty arrays are rejected.'),
    processId: z
      .string()
      .nullable()
      .optional()
      .describe(
        'Optional client-supplied, connection-scoped process id.\n\nRequired for `tty`, `streamStdin`, ' +
          '`streamStdoutStderr`, and follow-up `command/exec/write`, `command/exec/resize`, and ' +
          '`command/exec/terminate` calls. When omitted, buffered execution gets an internal id that is not ' +
          'exposed to the client.',
      ),
    tty: z.boolean().optional().describe('Enable PTY mode.\n\nThis implies `streamStdin` and `streamStdoutStderr`.'),
    streamStdin: z
      .boolean()
      .optional()
      .describe(
        'Allow follow-up `command/exec/write` requests to write stdin bytes.\n\nRequires a client-supplied `processId`.',
      ),
    streamStdoutStderr: z
      .boolean()
      .optional()
      .describe(
        'Stream stdout/stderr via `command/exec/outputDelta` notifications.\n\nStreamed bytes are not duplicated ' +
          'into the final response and require a client-supplied `processId`.',
      ),
    outputBytesCap: z
      .number()
      .int()
      .min(0)
      .meta({ format: 'uint' })
      .nullable()
      .optional()
      .describe(
        'Optional per-stream stdout/stderr capture cap in bytes.\n\nWhen omitted, the server default applies. ' +
          'Cannot be combined with `disableOutputCap`.',
      ),
    disableOutputCap: z
      .boolean()
      .optional()
      .describe(
        'Disable stdout/stderr capture truncation for this request.\n\nCannot be combined with `outputBytesCap`.',
      ),
    disableTimeout: z
      .boolean()
      .optional()
      .describe('Disable the timeout entirely for this request.\n\nCannot be combined with `timeoutMs`.'),
    timeoutMs: z
      .number()
      .int()
      .meta({ format: 'int64' })
      .nullable()
      .optional()
      .describe(
        'Optional timeout in milliseconds.\n\nWhen omitted, the server default applies. Cannot be combined with ' +
          '`disableTimeout`.',
      ),
    cwd: z.string().nullable().optional().describe('Optional working directory. Defaults to the server cwd.'),
    env: z
      .record(z.string(), z.string().nullable())
      .nullable()
      .optional()
      .describe(
        'Optional environment overrides merged into the server-computed environment.\n\nMatching names override ' +
          'inherited values. Set a key to `null` to unset an inherited variable.',
      ),
    size: CommandExecTerminalSizeSchema.nullable()
      .optional()
      .describe('Optional initial PTY size in character cells. Only valid when `tty` is true.'),
    sandboxPolicy: SandboxPolicySchema.nullable()
      .optional()
      .describe(
        'Optional sandbox policy for this command.\n\nUses the same shape as thread/turn execution sandbox ' +
          "configuration and defaults to the user's configured policy when omitted. Cannot be combined with " +
          '`permissionProfile`.',
      ),
    permissionProfile: z
      .string()
      .nullable()
      .optional()
      .describe(
        "Optional active permissions profile id for this command.\n\nDefaults to the user's configured " +
          'permissions when omitted. Cannot be combined with `sandboxPolicy`.',
      ),
  })
  .meta({
    id: 'CommandExecParams',
    description:
      'Run a standalone command (argv vector) in the server sandbox without creating a thread or turn.\n\nThe ' +
      'final `command/exec` response is deferred until the process exits and is sent only after all ' +
      '`command/exec/outputDelta` notifications for that connection have been emitted.',
  }));
export type CommandExecParams = z.infer<typeof CommandExecParamsSchema>;
/** `command/exec` params that need the `experimentalApi` capability. */
export const COMMAND_EXEC_EXPERIMENTAL_FIELDS = ['permissionProfile'] as const;

export const CommandExecResponseSchema = lazySchema(() => z
  .object({
    exitCode: z.number().int().meta({ format: 'int32' }).describe('Process exit code.'),
    stdout: z
      .string()
      .describe('Buffered stdout capture.\n\nEmpty when stdout was streamed via `command/exec/outputDelta`.'),
    stderr: z
      .string()
      .describe('Buffered stderr capture.\n\nEmpty when stderr was streamed via `command/exec/outputDelta`.'),
  })
  .meta({ id: 'CommandExecResponse', description: 'Final buffered result for `command/exec`.' }));
export type CommandExecResponse = z.infer<typeof CommandExecResponseSchema>;

const processIdField = () =>
  z.string().describe('Client-supplied, connection-scoped `processId` from the original `command/exec` request.');

export const CommandExecWriteParamsSchema = lazySchema(() => z
  .object({
    processId: processIdField(),
    deltaBase64: z.string().nullable().optional().describe('Optional base64-encoded stdin bytes to write.'),
    closeStdin: z.boolean().optional().describe('Close stdin after writing `deltaBase64`, if present.'),
  })
  .meta({
    id: 'CommandExecWriteParams',
    description: 'Write stdin bytes to a running `command/exec` session, close stdin, or both.',
  }));
export type CommandExecWriteParams = z.infer<typeof CommandExecWriteParamsSchema>;
export const CommandExecWriteResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'CommandExecWriteResponse', description: 'Empty success response for `command/exec/write`.' }));

export const CommandExecResizeParamsSchema = lazySchema(() => z
  .object({
    processId: processIdField(),
    size: CommandExecTerminalSizeSchema.describe('New PTY size in character cells.'),
  })
  .meta({ id: 'CommandExecResizeParams', description: 'Resize a running PTY-backed `command/exec` session.' }));
export type CommandExecResizeParams = z.infer<typeof CommandExecResizeParamsSchema>;
export const CommandExecResizeResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'CommandExecResizeResponse', description: 'Empty success response for `command/exec/resize`.' }));

export const CommandExecTerminateParamsSchema = lazySchema(() => z
  .object({ processId: processIdField() })
  .meta({ id: 'CommandExecTerminateParams', description: 'Terminate a running `command/exec` session.' }));
export type CommandExecTerminateParams = z.infer<typeof CommandExecTerminateParamsSchema>;
export const CommandExecTerminateResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'CommandExecTerminateResponse', description: 'Empty success response for `command/exec/terminate`.' }));

export const CommandExecOutputStreamSchema = lazySchema(() => z
  .enum(['stdout', 'stderr'])
  .meta({ id: 'CommandExecOutputStream', description: 'Stream label for `command/exec/outputDelta` notifications.' }));
export type CommandExecOutputStream = z.infer<typeof CommandExecOutputStreamSchema>;

export const CommandExecOutputDeltaNotificationSchema = lazySchema(() => z
  .object({
    processId: processIdField(),
    stream: CommandExecOutputStreamSchema.describe('Output stream for this chunk.'),
    deltaBase64: z.string().describe('Base64-encoded output bytes.'),
    capReached: z
      .boolean()
      .describe(
        '`true` on the final streamed chunk for a stream when `outputBytesCap` truncated later output on that stream.',
      ),
  })
  .meta({
    id: 'CommandExecOutputDeltaNotification',
    description:
      'Base64-encoded output chunk emitted for a streaming `command/exec` request.\n\nThese notifications are ' +
      'connection-scoped. If the originating connection closes, the server terminates the process.',
  }));
export type CommandExecOutputDeltaNotification = z.infer<typeof CommandExecOutputDeltaNotificationSchema>;
