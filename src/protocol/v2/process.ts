import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ClientPathSchema } from './fs.js';

/*
 * The experimental `process/*` family (docs/methods.md#processes): a standalone process on the server's host, outside
 * any Codex sandbox, scoped to the connection that spawned it and named by the client's `processHandle`. Output and
 * the exit come as `process/outputDelta` and `process/exited` notifications. Field texts follow the reference's
 * generated schema. Unlike `command/exec`, an omitted `outputBytesCap` or `timeoutMs` means the server default and an
 * explicit `null` means none, so those fields are read with `undefined` and `null` kept apart.
 */

const u16 = () => z.number().int().min(0).max(65_535).meta({ format: 'uint16' });

const processHandleField = () =>
  z.string().describe('Client-supplied, connection-scoped `processHandle` from `process/spawn`.');

export const ProcessTerminalSizeSchema = lazySchema(() => z
  .object({
    cols: u16().describe('Terminal width in character cells.'),
    rows: u16().describe('Terminal height in character cells.'),
  })
  .meta({ id: 'ProcessTerminalSize', description: 'PTY size in character cells for `process/spawn` PTY sessions.' }));
export type ProcessTerminalSize = z.infer<typeof ProcessTerminalSizeSchema>;

export const ProcessSpawnParamsSchema = lazySchema(() => z
  .object({
    command: z.array(z.string()).describe('Command argv vector. Empty arrays are rejected.'),
    cwd: ClientPathSchema.describe('Absolute working directory for the process.'),
    env: z
      .record(z.string(), z.string().nullable())
      .nullable()
      .optional()
      .describe(
        'Optional environment overrides merged into the app-server process environment.\n\nMatching names ' +
          'override inherited values. Set a key to `null` to unset an inherited variable.',
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
          'Set to `null` to disable the cap.',
      ),
    processHandle: z
      .string()
      .describe(
        'Client-supplied, connection-scoped process handle.\n\nDuplicate active handles are rejected on the same ' +
          'connection. The same handle can be reused after the prior process exits.',
      ),
    size: ProcessTerminalSizeSchema.nullable()
      .optional()
      .describe('Optional initial PTY size in character cells. Only valid when `tty` is true.'),
    streamStdin: z.boolean().optional().describe('Allow follow-up `process/writeStdin` requests to write stdin bytes.'),
    streamStdoutStderr: z
      .boolean()
      .optional()
      .describe(
        'Stream stdout/stderr via `process/outputDelta` notifications.\n\nStreamed bytes are not duplicated into ' +
          'the `process/exited` notification.',
      ),
    timeoutMs: z
      .number()
      .int()
      .meta({ format: 'int64' })
      .nullable()
      .optional()
      .describe(
        'Optional timeout in milliseconds.\n\nWhen omitted, the server default applies. Set to `null` to disable ' +
          'the timeout.',
      ),
    tty: z.boolean().optional().describe('Enable PTY mode.\n\nThis implies `streamStdin` and `streamStdoutStderr`.'),
  })
  .meta({
    id: 'ProcessSpawnParams',
    description:
      'Spawn a standalone process (argv vector) without a Codex sandbox on the host where the app server is ' +
      'running.\n\n`process/spawn` returns after the process has started and the connection-scoped ' +
      '`processHandle` has been registered. Process output and exit are reported via `process/outputDelta` and ' +
      '`process/exited` notifications.',
  }));
export type ProcessSpawnParams = z.infer<typeof ProcessSpawnParamsSchema>;

export const ProcessSpawnResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ProcessSpawnResponse', description: 'Successful response for `process/spawn`.' }));

export const ProcessWriteStdinParamsSchema = lazySchema(() => z
  .object({
    closeStdin: z.boolean().optional().describe('Close stdin after writing `deltaBase64`, if present.'),
    deltaBase64: z.string().nullable().optional().describe('Optional base64-encoded stdin bytes to write.'),
    processHandle: processHandleField(),
  })
  .meta({
    id: 'ProcessWriteStdinParams',
    description: 'Write stdin bytes to a running `process/spawn` session, close stdin, or both.',
  }));
export type ProcessWriteStdinParams = z.infer<typeof ProcessWriteStdinParamsSchema>;
export const ProcessWriteStdinResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ProcessWriteStdinResponse', description: 'Empty success response for `process/writeStdin`.' }));

export const ProcessResizePtyParamsSchema = lazySchema(() => z
  .object({
    processHandle: processHandleField(),
    size: ProcessTerminalSizeSchema.describe('New PTY size in character cells.'),
  })
  .meta({ id: 'ProcessResizePtyParams', description: 'Resize a running PTY-backed `process/spawn` session.' }));
export type ProcessResizePtyParams = z.infer<typeof ProcessResizePtyParamsSchema>;
export const ProcessResizePtyResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ProcessResizePtyResponse', description: 'Empty success response for `process/resizePty`.' }));

export const ProcessKillParamsSchema = lazySchema(() => z
  .object({ processHandle: processHandleField() })
  .meta({ id: 'ProcessKillParams', description: 'Terminate a running `process/spawn` session.' }));
export type ProcessKillParams = z.infer<typeof ProcessKillParamsSchema>;
export const ProcessKillResponseSchema = lazySchema(() => z
  .object({})
  .meta({ id: 'ProcessKillResponse', description: 'Empty success response for `process/kill`.' }));

export const ProcessOutputStreamSchema = lazySchema(() => z
  .enum(['stdout', 'stderr'])
  .meta({ id: 'ProcessOutputStream', description: 'Stream label for `process/outputDelta` notifications.' }));
export type ProcessOutputStream = z.infer<typeof ProcessOutputStreamSchema>;

export const ProcessOutputDeltaNotificationSchema = lazySchema(() => z
  .object({
    capReached: z
      .boolean()
      .describe('True on the final streamed chunk for this stream when output was truncated by `outputBytesCap`.'),
    deltaBase64: z.string().describe('Base64-encoded output bytes.'),
    processHandle: processHandleField(),
    stream: ProcessOutputStreamSchema.describe('Output stream this chunk belongs to.'),
  })
  .meta({
    id: 'ProcessOutputDeltaNotification',
    description: 'Base64-encoded output chunk emitted for a streaming `process/spawn` request.',
  }));
export type ProcessOutputDeltaNotification = z.infer<typeof ProcessOutputDeltaNotificationSchema>;

export const ProcessExitedNotificationSchema = lazySchema(() => z
  .object({
    exitCode: z.number().int().meta({ format: 'int32' }).describe('Process exit code.'),
    outputDrainTimedOut: z
      .boolean()
      .nullable()
      .optional()
      .describe(
        'Whether output collection hit its post-exit deadline before seeing EOF or reaching the requested byte ' +
          'cap on either stream. Older servers omit this field.',
      ),
    processHandle: processHandleField(),
    stderr: z.string().describe('Buffered stderr capture.\n\nEmpty when stderr was streamed via `process/outputDelta`.'),
    stderrCapReached: z
      .boolean()
      .describe(
        'Whether stderr reached `outputBytesCap`.\n\nIn streaming mode, stderr is empty and cap state is also ' +
          'reported on the final stderr `process/outputDelta` notification.',
      ),
    stdout: z.string().describe('Buffered stdout capture.\n\nEmpty when stdout was streamed via `process/outputDelta`.'),
    stdoutCapReached: z
      .boolean()
      .describe(
        'Whether stdout reached `outputBytesCap`.\n\nIn streaming mode, stdout is empty and cap state is also ' +
          'reported on the final stdout `process/outputDelta` notification.',
      ),
  })
  .meta({ id: 'ProcessExitedNotification', description: 'Final process exit notification for `process/spawn`.' }));
export type ProcessExitedNotification = z.infer<typeof ProcessExitedNotificationSchema>;
