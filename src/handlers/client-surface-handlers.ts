import { ModelCatalogue } from '../runtime/models/model-catalogue.js';
import { accountLoginHandlers } from './account-login.js';
import { accountRateLimitsReadHandler } from './account-rate-limits.js';
import { accountReadHandler, bedrockGovCloudHandler } from './account-read.js';
import { bedrockSetupHandlers } from './bedrock-setup.js';
import { collaborationModeListHandler } from './collaboration-modes.js';
import { configReadHandler, configRequirementsReadHandler } from './config-read.js';
import { configWriteHandlers } from './config-write.js';
import type { RequestHandler } from './context.js';
import { hooksListHandler } from './hooks-list.js';
import { modelListHandler } from './model-list.js';
import { appHandlers } from './apps.js';
import { pluginHandlers } from './plugins.js';
import type { ServerServices } from './services.js';
import { threadGoalClearHandler, threadGoalGetHandler, threadGoalSetHandler } from './thread-goal.js';
import { threadReadStateUpdateHandler } from './thread-read-state.js';

/**
 * What clients call at start-up besides threads (docs/protocol.md#what-clients-call-at-start-up): models, config,
 * skills, account, …
 */
export function clientSurfaceHandlers(services: ServerServices): RequestHandler[] {
  const catalogue = new ModelCatalogue({ config: services.config, env: services.env, fetch: services.fetch });
  return [
    modelListHandler(catalogue),
    configReadHandler(services),
    configRequirementsReadHandler(),
    ...configWriteHandlers(services),
    accountReadHandler(services),
    ...accountLoginHandlers(services),
    accountRateLimitsReadHandler(services),
    bedrockGovCloudHandler(services),
    ...bedrockSetupHandlers(services),
    collaborationModeListHandler(),
    hooksListHandler(services),
    ...pluginHandlers(services),
    ...appHandlers(services),
    threadReadStateUpdateHandler(services),
    threadGoalGetHandler(services),
    threadGoalSetHandler(services),
    threadGoalClearHandler(services),
  ];
}
