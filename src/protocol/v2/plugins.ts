import { lazySchema, lazyValue } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';
import { HookEventNameSchema } from './hooks.js';
import { SkillInterfaceSchema } from './skills.js';

const cwdsField = lazySchema(() => z
  .array(AbsolutePathSchema)
  .nullable()
  .optional()
  .describe('Optional working directories used to discover repo marketplaces.'));

export const PluginInstalledParamsSchema = lazySchema(() => z
  .object({
    cwds: cwdsField,
    installSuggestionPluginNames: z
      .array(z.string())
      .nullable()
      .optional()
      .describe(
        'Additional uninstalled plugin names that should be returned when present locally. This is used by mention ' +
          'surfaces that intentionally expose install entrypoints.',
      ),
  })
  .meta({ id: 'PluginInstalledParams' }));

export const MarketplaceLoadErrorInfoSchema = lazySchema(() => z
  .object({ marketplacePath: AbsolutePathSchema, message: z.string() })
  .meta({ id: 'MarketplaceLoadErrorInfo' }));

export const MarketplaceInterfaceSchema = lazySchema(() => z
  .object({ displayName: z.string().nullable() })
  .meta({ id: 'MarketplaceInterface' }));

export const PluginInstallPolicySchema = lazySchema(() => z
  .enum(['NOT_AVAILABLE', 'AVAILABLE', 'INSTALLED_BY_DEFAULT'])
  .meta({ id: 'PluginInstallPolicy' }));
export type PluginInstallPolicy = z.infer<typeof PluginInstallPolicySchema>;
export const PluginAuthPolicySchema = lazySchema(() => z.enum(['ON_INSTALL', 'ON_USE']).meta({ id: 'PluginAuthPolicy' }));
export type PluginAuthPolicy = z.infer<typeof PluginAuthPolicySchema>;

export const PluginSourceSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('local'), path: AbsolutePathSchema }),
    z.object({
      type: z.literal('git'),
      url: z.string(),
      path: z.string().nullable(),
      refName: z.string().nullable(),
      sha: z.string().nullable(),
    }),
    z.object({ type: z.literal('remote') }).describe('The plugin is in ChatGPT\'s remote catalogue.'),
  ])
  .meta({ id: 'PluginSource' }));
export type PluginSource = z.infer<typeof PluginSourceSchema>;

export const PluginInterfaceSchema = lazySchema(() => z
  .object({
    displayName: z.string().nullable(),
    shortDescription: z.string().nullable(),
    longDescription: z.string().nullable(),
    developerName: z.string().nullable(),
    category: z.string().nullable(),
    capabilities: z.array(z.string()),
    websiteUrl: z.string().nullable(),
    privacyPolicyUrl: z.string().nullable(),
    termsOfServiceUrl: z.string().nullable(),
    defaultPrompt: z.array(z.string()).nullable().describe('Starter prompts: at most 3, each at most 128 characters.'),
    brandColor: z.string().nullable(),
    composerIcon: AbsolutePathSchema.nullable(),
    composerIconUrl: z.string().nullable(),
    logo: AbsolutePathSchema.nullable(),
    logoDark: AbsolutePathSchema.nullable(),
    logoUrl: z.string().nullable(),
    logoUrlDark: z.string().nullable(),
    screenshots: z.array(AbsolutePathSchema),
    screenshotUrls: z.array(z.string()),
  })
  .meta({ id: 'PluginInterface' }));
export type PluginInterface = z.infer<typeof PluginInterfaceSchema>;

export const PluginShareDiscoverabilitySchema = lazySchema(() => z
  .enum(['LISTED', 'UNLISTED', 'PRIVATE'])
  .meta({ id: 'PluginShareDiscoverability' }));
export type PluginShareDiscoverability = z.infer<typeof PluginShareDiscoverabilitySchema>;

export const PluginSharePrincipalTypeSchema = lazySchema(() => z.enum(['user', 'group', 'workspace']).meta({ id: 'PluginSharePrincipalType' }));

export const PluginSharePrincipalSchema = lazySchema(() => z
  .object({
    principalType: PluginSharePrincipalTypeSchema,
    principalId: z.string(),
    role: z.enum(['reader', 'editor', 'owner']).meta({ id: 'PluginSharePrincipalRole' }),
    name: z.string(),
  })
  .meta({ id: 'PluginSharePrincipal' }));
export type PluginSharePrincipal = z.infer<typeof PluginSharePrincipalSchema>;

/** How a workspace plugin of the remote catalogue is shared (null for plugins that are not workspace plugins). */
export const PluginShareContextSchema = lazySchema(() => z
  .object({
    remotePluginId: z.string(),
    remoteVersion: z.string().nullable().describe('Version of the remote shared plugin release when available.'),
    discoverability: PluginShareDiscoverabilitySchema.nullable(),
    shareUrl: z.string().nullable(),
    creatorAccountUserId: z.string().nullable(),
    creatorName: z.string().nullable(),
    sharePrincipals: z.array(PluginSharePrincipalSchema).nullable(),
    canPublishToWorkspace: z.boolean().nullable(),
  })
  .meta({ id: 'PluginShareContext' }));
export type PluginShareContext = z.infer<typeof PluginShareContextSchema>;

/**
 * One plugin of a marketplace: a local or git one, or one of ChatGPT's remote catalogue (`remotePluginId`,
 * `version` and, for workspace plugins, `shareContext` set). installedAt, installPolicySource, disabledReason and
 * eligiblePlanTypes are always null here.
 */
export const PluginSummarySchema = lazySchema(() => z
  .object({
    id: z.string(),
    remotePluginId: z.string().nullable(),
    version: z.string().nullable().describe('Version of the remote catalogue release, for remote plugins.'),
    localVersion: z.string().nullable().describe('Version of the locally materialized plugin package when available.'),
    name: z.string(),
    shareContext: PluginShareContextSchema.nullable(),
    source: PluginSourceSchema,
    installed: z.boolean(),
    installedAt: z.null(),
    enabled: z.boolean(),
    installPolicy: PluginInstallPolicySchema,
    installPolicySource: z.null(),
    mustShowInstallationInterstitial: z.null(),
    authPolicy: PluginAuthPolicySchema,
    availability: z.enum(['AVAILABLE', 'DISABLED_BY_ADMIN']),
    disabledReason: z.null(),
    eligiblePlanTypes: z.null(),
    interface: PluginInterfaceSchema.nullable(),
    keywords: z.array(z.string()),
  })
  .meta({ id: 'PluginSummary' }));
export type PluginSummary = z.infer<typeof PluginSummarySchema>;

export const PluginMarketplaceEntrySchema = lazySchema(() => z
  .object({
    name: z.string(),
    path: AbsolutePathSchema.nullable(),
    interface: MarketplaceInterfaceSchema.nullable(),
    plugins: z.array(PluginSummarySchema),
  })
  .meta({ id: 'PluginMarketplaceEntry' }));
export type PluginMarketplaceEntry = z.infer<typeof PluginMarketplaceEntrySchema>;

export const PluginInstalledResponseSchema = lazySchema(() => z
  .object({
    marketplaces: z.array(PluginMarketplaceEntrySchema),
    marketplaceLoadErrors: z.array(MarketplaceLoadErrorInfoSchema),
  })
  .meta({ id: 'PluginInstalledResponse' }));
export type PluginInstalledResponse = z.infer<typeof PluginInstalledResponseSchema>;

export const PluginListParamsSchema = lazySchema(() => z
  .object({
    cwds: cwdsField,
    marketplaceKinds: z
      .array(z.enum(['local', 'vertical', 'workspace-directory', 'shared-with-me', 'created-by-me-remote']))
      .nullable()
      .optional()
      .describe(
        'Optional marketplace kind filter. Without it: local marketplaces and, with a ChatGPT login, the remote ' +
          'OpenAI catalogue.',
      ),
    forceRefetch: z.boolean().optional(),
  })
  .meta({ id: 'PluginListParams' }));

export const PluginListResponseSchema = lazySchema(() => z
  .object({
    marketplaces: z.array(PluginMarketplaceEntrySchema),
    marketplaceLoadErrors: z.array(MarketplaceLoadErrorInfoSchema),
    featuredPluginIds: z.array(z.string()),
  })
  .meta({ id: 'PluginListResponse' }));

const pluginLocator = lazyValue(() => ({
  marketplacePath: AbsolutePathSchema.nullable().optional(),
  remoteMarketplaceName: z.string().nullable().optional(),
  pluginName: z.string(),
}));

export const PluginReadParamsSchema = lazySchema(() => z.object(pluginLocator()).meta({ id: 'PluginReadParams' }));

export const PluginSkillSummarySchema = lazySchema(() => z
  .object({
    name: z.string(),
    description: z.string(),
    shortDescription: z.string().nullable(),
    interface: SkillInterfaceSchema.nullable(),
    path: AbsolutePathSchema.nullable(),
    enabled: z.boolean(),
  })
  .meta({ id: 'SkillSummary' }));

export const PluginHookSummarySchema = lazySchema(() => z
  .object({ key: z.string(), eventName: HookEventNameSchema })
  .meta({ id: 'PluginHookSummary' }));

export const PluginDetailSchema = lazySchema(() => z
  .object({
    marketplaceName: z.string(),
    marketplacePath: AbsolutePathSchema.nullable(),
    summary: PluginSummarySchema,
    shareUrl: z.null(),
    description: z.string().nullable(),
    skills: z.array(PluginSkillSummarySchema),
    onboardingSkill: z.null(),
    hooks: z.array(PluginHookSummarySchema),
    apps: z.array(z.never()),
    appTemplates: z.array(z.never()),
    mcpServers: z.array(z.string()),
    scheduledTasks: z.null(),
  })
  .meta({ id: 'PluginDetail' }));
export type PluginDetail = z.infer<typeof PluginDetailSchema>;

export const PluginReadResponseSchema = lazySchema(() => z.object({ plugin: PluginDetailSchema }).meta({ id: 'PluginReadResponse' }));

export const PluginInstallParamsSchema = lazySchema(() => z
  .object({
    ...pluginLocator(),
    installAttemptId: z
      .string()
      .nullable()
      .optional()
      .describe('Client-generated identifier used to correlate one installation attempt.'),
  })
  .meta({ id: 'PluginInstallParams' }));

export const PluginInstallResponseSchema = lazySchema(() => z
  .object({ authPolicy: PluginAuthPolicySchema, appsNeedingAuth: z.array(z.never()) })
  .meta({ id: 'PluginInstallResponse' }));

export const PluginUninstallParamsSchema = lazySchema(() => z.object({ pluginId: z.string() }).meta({ id: 'PluginUninstallParams' }));
export const PluginUninstallResponseSchema = lazySchema(() => z.object({}).meta({ id: 'PluginUninstallResponse' }));

export const PluginReconcileParamsSchema = lazySchema(() => z
  .object({
    reason: z.string().nullable().optional().describe('Optional client-provided reason recorded with the reconciliation attempt.'),
  })
  .meta({ id: 'PluginReconcileParams' }));
export const PluginReconcileResponseSchema = lazySchema(() => z
  .object({
    changedPlugins: z.array(
      z.object({ id: z.string(), hasMcps: z.boolean(), hasApps: z.boolean(), hasHooks: z.boolean(), hasSkills: z.boolean() }),
    ),
    failedRemotePluginIds: z.array(z.string()),
    failedMaterializationRemotePluginIds: z.array(z.string()),
  })
  .meta({ id: 'PluginReconcileResponse' }));
