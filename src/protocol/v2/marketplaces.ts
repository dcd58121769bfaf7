import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';

export const MarketplaceAddParamsSchema = lazySchema(() => z
  .object({
    source: z.string(),
    refName: z.string().nullable().optional(),
    sparsePaths: z.array(z.string()).nullable().optional(),
  })
  .meta({ id: 'MarketplaceAddParams' }));
export const MarketplaceAddResponseSchema = lazySchema(() => z
  .object({ marketplaceName: z.string(), installedRoot: AbsolutePathSchema, alreadyAdded: z.boolean() })
  .meta({ id: 'MarketplaceAddResponse' }));

export const MarketplaceRemoveParamsSchema = lazySchema(() => z.object({ marketplaceName: z.string() }).meta({ id: 'MarketplaceRemoveParams' }));
export const MarketplaceRemoveResponseSchema = lazySchema(() => z
  .object({ marketplaceName: z.string(), installedRoot: AbsolutePathSchema.nullable() })
  .meta({ id: 'MarketplaceRemoveResponse' }));

export const MarketplaceUpgradeParamsSchema = lazySchema(() => z
  .object({ marketplaceName: z.string().nullable().optional() })
  .meta({ id: 'MarketplaceUpgradeParams' }));
export const MarketplaceUpgradeResponseSchema = lazySchema(() => z
  .object({
    selectedMarketplaces: z.array(z.string()),
    upgradedRoots: z.array(AbsolutePathSchema),
    errors: z.array(z.object({ marketplaceName: z.string(), message: z.string() }).meta({ id: 'MarketplaceUpgradeErrorInfo' })),
  })
  .meta({ id: 'MarketplaceUpgradeResponse' }));
