import { ServerRequests } from '../../protocol/registry.js';
import {
  REQUEST_USER_INPUT_TOOL_NAME,
  RequestUserInputArgumentsSchema,
  requestUserInputToolSpec,
  wireQuestions,
} from '../../tools/user-input/request-user-input.js';
import { askSubscribers } from '../clients/user-requests.js';
import { parseArguments } from './parse-arguments.js';
import { argumentsError } from './tool-call.js';
import type { ToolHandler } from './tool-context.js';

/**
 * `request_user_input` → `item/tool/requestUserInput` to the thread's subscribers, the thread showing
 * `active["waitingOnUserInput"]` meanwhile; the answers go back to the model as JSON.
 */
export const userInputTool: ToolHandler = {
  name: REQUEST_USER_INPUT_TOOL_NAME,
  spec: requestUserInputToolSpec,
  async handle(call, context) {
    const parsed = parseArguments(call.payload, RequestUserInputArgumentsSchema);
    if (!parsed.ok) return argumentsError(parsed.error);
    const { thread } = context;
    thread.holdFlag('waitingOnUserInput');
    try {
      const outcome = await askSubscribers(
        thread,
        ServerRequests.toolRequestUserInput,
        {
          threadId: thread.id,
          turnId: context.turnId,
          itemId: call.callId,
          isBlocking: true,
          autoResolutionMs: null,
          questions: wireQuestions(parsed.value),
        },
        context.signal,
      );
      switch (outcome.kind) {
        case 'answered':
          return JSON.stringify(outcome.result);
        case 'unanswered':
          return `request_user_input failed: the user did not answer (${outcome.reason})`;
        case 'aborted':
          return 'request_user_input was cancelled: the turn ended';
      }
    } finally {
      thread.releaseFlag('waitingOnUserInput');
    }
  },
};
