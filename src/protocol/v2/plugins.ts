import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';

export const PluginInstalledParamsSchema = z
  .object({
    cwds: z
      .array(AbsolutePathSchema)
      .nullable()
      .optional()
      .describe('Optional working directories used to discover repo marketplaces.'),
    installSuggestionPluginNames: z
      .array(z.string())
      .nullable()
      .optional()
      .describe(
        'Additional uninstalled plugin names that should be returned when present locally. This is used by mention ' +
          'surfaces that intentionally expose install entrypoints.',
      ),
  })
  .meta({ id: 'PluginInstalledParams' });

export const MarketplaceLoadErrorInfoSchema = z
  .object({ marketplacePath: AbsolutePathSchema, message: z.string() })
  .meta({ id: 'MarketplaceLoadErrorInfo' });

/**
 * This server has no plugin system: no marketplace is ever loaded, so `marketplaces` is always empty (typed as
 * an empty list rather than a marketplace shape we never produce).
 */
export const PluginInstalledResponseSchema = z
  .object({
    marketplaces: z.array(z.never()),
    marketplaceLoadErrors: z.array(MarketplaceLoadErrorInfoSchema),
  })
  .meta({ id: 'PluginInstalledResponse' });
export type PluginInstalledResponse = z.infer<typeof PluginInstalledResponseSchema>;
