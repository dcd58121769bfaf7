import { DEFAULT_EXEC_YIELD_TIME_MS, MAX_YIELD_TIME_MS, MIN_YIELD_TIME_MS } from './limits.js';

/**
 * The `exec_command` and `write_stdin` function tools as offered to the model: parameter names, types, enum,
 * `required`, `additionalProperties: false` and `strict: false` as in the reference's request body (properties in
 * its alphabetical order); the descriptions are ours.
 */

export const EXEC_COMMAND_TOOL_NAME = 'exec_command';
export const WRITE_STDIN_TOOL_NAME = 'write_stdin';

export interface ExecCommandToolSpecOptions {
  /** Config `allow_login_shell` (default true); without it the `login` parameter is not offered. */
  readonly allowLoginShell?: boolean | undefined;
}

export function execCommandToolSpec(options: ExecCommandToolSpecOptions = {}): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    cmd: { type: 'string', description: 'The shell command to run.' },
    justification: {
      type: 'string',
      description: 'Why the command needs to run outside the sandbox; shown to the user when asking for approval.',
    },
  };
  if (options.allowLoginShell ?? true) {
    properties['login'] = {
      type: 'boolean',
      description: 'Run the shell as a login shell (-lc) so profile files are read. Defaults to true.',
    };
  }
  Object.assign(properties, {
    max_output_tokens: {
      type: 'number',
      description: 'Cap on the output returned, in tokens; longer output keeps its beginning and end.',
    },
    prefix_rule: {
      type: 'array',
      description:
        'When asking for escalated permissions: the command prefix (as argv words) that may be approved for ' +
        'later commands too.',
      items: { type: 'string' },
    },
    sandbox_permissions: {
      type: 'string',
      description: 'use_default runs in the sandbox; require_escalated asks the user to run outside it.',
      enum: ['use_default', 'require_escalated'],
    },
    shell: { type: 'string', description: "Shell to run the command with; defaults to the user's shell." },
    tty: {
      type: 'boolean',
      description: 'Run on a pseudo-terminal, keeping stdin open for write_stdin. Defaults to false.',
    },
    workdir: { type: 'string', description: 'Working directory, relative to the current one. Defaults to it.' },
    yield_time_ms: {
      type: 'number',
      description:
        `How long to wait for the command before returning, in ms (default ${DEFAULT_EXEC_YIELD_TIME_MS}, ` +
        `${MIN_YIELD_TIME_MS}-${MAX_YIELD_TIME_MS}); a command still running continues as a session.`,
    },
  });
  return {
    type: 'function',
    name: EXEC_COMMAND_TOOL_NAME,
    description:
      'Runs a command in a shell and returns its output, or a session ID if it is still running after the wait.',
    strict: false,
    parameters: { type: 'object', properties, required: ['cmd'], additionalProperties: false },
  };
}

export function writeStdinToolSpec(): Record<string, unknown> {
  return {
    type: 'function',
    name: WRITE_STDIN_TOOL_NAME,
    description: 'Sends characters to a running exec_command session and returns the output that follows.',
    strict: false,
    parameters: {
      type: 'object',
      properties: {
        chars: { type: 'string', description: 'Characters to write to the terminal; leave empty to only poll.' },
        max_output_tokens: {
          type: 'number',
          description: 'Cap on the output returned, in tokens; longer output keeps its beginning and end.',
        },
        session_id: { type: 'number', description: 'The session ID exec_command returned.' },
        yield_time_ms: {
          type: 'number',
          description:
            'How long to wait for output before returning, in ms (default 250; an empty poll waits at least 5000).',
        },
      },
      required: ['session_id'],
      additionalProperties: false,
    },
  };
}
