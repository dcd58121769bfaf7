import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { ServerNotifications } from '../../protocol/registry.js';
import type { ThreadItem } from '../../protocol/v2/items.js';
import { landsInside } from '../../tools/sandbox/command-jail.js';
import type { CommandJail } from '../../tools/sandbox/command-jail.js';
import {
  VIEW_IMAGE_TOOL_NAME,
  ViewImageError,
  imagePath,
  readLocalImage,
  viewImageToolSpec,
} from '../../tools/view-image/local-image.js';
import { HIGH_DETAIL_BUDGET, ORIGINAL_DETAIL_BUDGET } from '../../tools/images/prompt-image.js';
import { parseArguments } from './parse-arguments.js';
import { argumentsError } from './tool-call.js';
import type { ToolHandler } from './tool-context.js';

const ViewImageArgumentsSchema = lazySchema(() => z.object({ path: z.string() }));

/**
 * `view_image` → the image as the call's output (a `function_call_output` whose output is one `input_image` part,
 * with the model's image detail, fitted to that detail's budget), and an `imageView` item (id = the call id, absolute path) started and completed
 * once the image is read, kept in the turn (thread/read) [observed on the reference 0.169.0]. A failure is a text
 * answer and no item.
 */
export function viewImageTool(detail: 'original' | 'high', jail?: CommandJail): ToolHandler {
  return {
    name: VIEW_IMAGE_TOOL_NAME,
    spec: viewImageToolSpec,
    async handle(call, context) {
      const parsed = parseArguments(call.payload, ViewImageArgumentsSchema);
      if (!parsed.ok) return argumentsError(parsed.error);
      const { thread } = context;
      const path = imagePath(parsed.value.path, thread.settings.cwd);
      if (jail !== undefined && !landsInside(path, jail.reveal)) {
        return `image path \`${path}\` is outside this tenant's workspace`;
      }
      let url: string;
      try {
        url = await readLocalImage(path, detail === 'original' ? ORIGINAL_DETAIL_BUDGET : HIGH_DETAIL_BUDGET);
      } catch (error) {
        if (error instanceof ViewImageError) return error.message;
        throw error;
      }
      const startedAtMs = Date.now();
      const item: Extract<ThreadItem, { type: 'imageView' }> = {
        type: 'imageView',
        id: call.callId,
        path,
        startedAtMs,
        completedAtMs: null,
      };
      thread.emit(ServerNotifications.itemStarted, { item, threadId: thread.id, turnId: context.turnId, startedAtMs });
      const completedAtMs = Date.now();
      const completed = { ...item, completedAtMs };
      context.recordItem(completed);
      thread.emit(ServerNotifications.itemCompleted, {
        item: completed,
        threadId: thread.id,
        turnId: context.turnId,
        contentTokenCount: null,
        completedAtMs,
      });
      return [{ type: 'input_image', image_url: url, detail }];
    },
  };
}
