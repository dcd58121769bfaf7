import type { ThreadCaller } from '../runtime/threads/thread-caller.js';
import { userAgentFor } from '../util/platform.js';
import { COMPATIBLE_CODEX_VERSION } from '../util/version.js';
import type { HandlerContext } from './context.js';

/** The reference's originator when a client has not named itself. */
const DEFAULT_ORIGINATOR = 'codex_cli_rs';

/** Who is calling, as threads and model requests identify them (`originator`, `user-agent`). */
export function threadCaller(context: HandlerContext): ThreadCaller {
  const clientInfo = context.caller.clientInfo;
  return {
    channel: context.channel,
    originator: clientInfo?.name ?? DEFAULT_ORIGINATOR,
    userAgent: clientInfo === null ? DEFAULT_ORIGINATOR : userAgentFor(clientInfo, COMPATIBLE_CODEX_VERSION),
  };
}
