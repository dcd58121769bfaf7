import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import type { ToolRequestUserInputQuestion } from '../../protocol/v2/approvals.js';

/**
 * `request_user_input`: the model asks the user one or more short questions (with suggested answers) and waits
 * for the answers, which come back as the tool's output: the client's `{answers: {<question id>: {answers}}}`
 * as JSON.
 */

export const REQUEST_USER_INPUT_TOOL_NAME = 'request_user_input';

export const RequestUserInputArgumentsSchema = lazySchema(() => z.object({
  questions: z
    .array(
      z.object({
        id: z.string(),
        header: z.string(),
        question: z.string(),
        options: z.array(z.object({ label: z.string(), description: z.string() })).nullish(),
      }),
    )
    .min(1),
}));
export type RequestUserInputArguments = z.infer<typeof RequestUserInputArgumentsSchema>;

/** The function tool offered to the model (descriptions are ours; shape as the reference's). */
export function requestUserInputToolSpec(): Record<string, unknown> {
  return {
    type: 'function',
    name: REQUEST_USER_INPUT_TOOL_NAME,
    description:
      'Ask the user one or more short questions when you cannot proceed without their decision, offering likely ' +
      'answers as options. Waits for the answers.',
    strict: false,
    parameters: {
      type: 'object',
      properties: {
        questions: {
          type: 'array',
          description: 'The questions to ask, in order.',
          items: {
            type: 'object',
            properties: {
              header: { type: 'string', description: 'A short title for the question.' },
              id: { type: 'string', description: 'A stable identifier for the answer.' },
              options: {
                type: 'array',
                description: 'Suggested answers; the user may also answer in their own words.',
                items: {
                  type: 'object',
                  properties: {
                    description: { type: 'string', description: 'What choosing this option means.' },
                    label: { type: 'string', description: 'The option as shown.' },
                  },
                  required: ['label', 'description'],
                  additionalProperties: false,
                },
              },
              question: { type: 'string', description: 'The question itself.' },
            },
            required: ['id', 'header', 'question', 'options'],
            additionalProperties: false,
          },
        },
      },
      required: ['questions'],
      additionalProperties: false,
    },
  };
}

/** The questions as the `item/tool/requestUserInput` request carries them. */
export function wireQuestions(args: RequestUserInputArguments): ToolRequestUserInputQuestion[] {
  return args.questions.map((question) => ({
    id: question.id,
    header: question.header,
    question: question.question,
    isOther: false,
    isSecret: false,
    options: question.options ?? null,
  }));
}
