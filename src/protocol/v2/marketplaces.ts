import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';

export const MarketplaceAddParamsSchema = z
  .object({
    source: z.string(),
    refName: z.string().nullable().optional(),
    sparsePaths: z.array(z.string()).nullable().optional(),
  })
  .meta({ id: 'MarketplaceAddParams' });
export const MarketplaceAddResponseSchema = z
  .object({ marketplaceName: z.string(), installedRoot: AbsolutePathSchema, alreadyAdded: z.boolean() })
  .meta({ id: 'MarketplaceAddResponse' });

export const MarketplaceRemoveParamsSchema = z.object({ marketplaceName: z.string() }).meta({ id: 'MarketplaceRemoveParams' });
export const MarketplaceRemoveResponseSchema = z
  .object({ marketplaceName: z.string(), installedRoot: AbsolutePathSchema.nullable() })
  .meta({ id: 'MarketplaceRemoveResponse' });

export const MarketplaceUpgradeParamsSchema = z
  .object({ marketplaceName: z.string().nullable().optional() })
  .meta({ id: 'MarketplaceUpgradeParams' });
export const MarketplaceUpgradeResponseSchema = z
  .object({
    selectedMarketplaces: z.array(z.string()),
    upgradedRoots: z.array(AbsolutePathSchema),
    errors: z.array(z.object({ marketplaceName: z.string(), message: z.string() }).meta({ id: 'MarketplaceUpgradeErrorInfo' })),
  })
  .meta({ id: 'MarketplaceUpgradeResponse' });
