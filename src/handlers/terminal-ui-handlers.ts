import type { RequestHandler } from './context.js';
import { experimentalFeatureHandlers } from './experimental-features.js';
import { fuzzyFileSearchHandlers } from './fuzzy-file-search.js';
import { permissionProfileListHandler } from './permission-profile-list.js';
import type { ServerServices } from './services.js';
import { threadSearchOccurrencesHandler } from './thread-search-occurrences.js';
import { threadSearchHandler } from './thread-search.js';
import { threadSettingsUpdateHandler } from './thread-settings-update.js';

/** What the terminal UI's everyday commands call: `@` search, `/model`, `/permissions`, `/experimental`. */
export function terminalUiHandlers(services: ServerServices): RequestHandler[] {
  return [
    threadSearchHandler(services),
    threadSearchOccurrencesHandler(services),
    ...fuzzyFileSearchHandlers(),
    threadSettingsUpdateHandler(services),
    permissionProfileListHandler(services),
    ...experimentalFeatureHandlers(services),
  ];
}
