import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/**
 * Apps (ChatGPT connectors) come from ChatGPT's backend. Without a ChatGPT login there are none. `app/list` joins
 * ChatGPT's app directory with the apps its apps MCP server offers tools for; `app/read` reads their metadata;
 * `app/installed` lists the apps with tools (docs/apps.md).
 */
export const AppsListParamsSchema = lazySchema(() => z
  .object({
    cursor: z.string().nullable().optional(),
    limit: z.number().int().min(0).max(4_294_967_295).meta({ format: 'uint32' }).nullable().optional(),
    threadId: z.string().nullable().optional(),
    forceRefetch: z.boolean().optional(),
  })
  .meta({ id: 'AppsListParams' }));
const nullableString = () => z.string().nullable();

export const AppBrandingSchema = lazySchema(() => z
  .object({
    category: nullableString().optional(),
    developer: nullableString().optional(),
    website: nullableString().optional(),
    privacyPolicy: nullableString().optional(),
    termsOfService: nullableString().optional(),
    isDiscoverableApp: z.boolean(),
  })
  .meta({ id: 'AppBranding' }));

export const AppReviewSchema = lazySchema(() => z.object({ status: z.string() }).meta({ id: 'AppReview' }));
export const AppScreenshotSchema = lazySchema(() => z
  .object({ url: nullableString().optional(), fileId: nullableString().optional(), userPrompt: z.string() })
  .meta({ id: 'AppScreenshot' }));

export const AppMetadataSchema = lazySchema(() => z
  .object({
    review: AppReviewSchema.nullable().optional(),
    categories: z.array(z.string()).nullable().optional(),
    subCategories: z.array(z.string()).nullable().optional(),
    seoDescription: nullableString().optional(),
    screenshots: z.array(AppScreenshotSchema).nullable().optional(),
    developer: nullableString().optional(),
    version: nullableString().optional(),
    versionId: nullableString().optional(),
    versionNotes: nullableString().optional(),
    firstPartyRequiresInstall: z.boolean().nullable().optional(),
    showInComposerWhenUnlinked: z.boolean().nullable().optional(),
  })
  .meta({ id: 'AppMetadata' }));

/** One app of `app/list`: directory metadata, whether the user can use it (`isAccessible`) and config's switch. */
export const AppInfoSchema = lazySchema(() => z
  .object({
    id: z.string(),
    name: z.string(),
    description: nullableString().optional(),
    logoUrl: nullableString().optional(),
    logoUrlDark: nullableString().optional(),
    iconAssets: z.record(z.string(), z.string()).nullable().optional(),
    iconDarkAssets: z.record(z.string(), z.string()).nullable().optional(),
    distributionChannel: nullableString().optional(),
    branding: AppBrandingSchema.nullable().optional(),
    appMetadata: AppMetadataSchema.nullable().optional(),
    labels: z.record(z.string(), z.string()).nullable().optional(),
    installUrl: nullableString().optional(),
    isAccessible: z.boolean().optional(),
    isEnabled: z.boolean().optional(),
    pluginDisplayNames: z.array(z.string()).optional(),
  })
  .meta({ id: 'AppInfo' }));
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const AppsListResponseSchema = lazySchema(() => z
  .object({ data: z.array(AppInfoSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AppsListResponse' }));

export const AppListUpdatedNotificationSchema = lazySchema(() => z
  .object({ data: z.array(AppInfoSchema) })
  .meta({ id: 'AppListUpdatedNotification' }));

export const AppsReadParamsSchema = lazySchema(() => z
  .object({
    appIds: z.array(z.string()).describe('App ids to read: at most 100; repeated ids are read once, in first-request order.'),
    threadId: z.string().nullable().optional(),
    includeTools: z.boolean().optional().describe("When true, each app's public tool summaries are included."),
  })
  .meta({ id: 'AppsReadParams' }));

export const AppToolSummarySchema = lazySchema(() => z
  .object({
    name: z.string(),
    title: z.string().nullable(),
    description: z.string(),
    isEnabled: z.boolean(),
    disabledReason: z.string().nullable(),
    isReadOnly: z.boolean(),
  })
  .meta({ id: 'AppToolSummary' }));

/** An app's display metadata as ChatGPT's backend describes it. */
export const ConnectorMetadataSchema = lazySchema(() => z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    iconUrl: z.string().nullable(),
    iconUrlDark: z.string().nullable(),
    distributionChannel: z.string().nullable(),
    installUrl: z.string().nullable(),
    pluginDisplayNames: z.array(z.string()),
    toolSummaries: z.array(AppToolSummarySchema).nullable(),
  })
  .meta({ id: 'ConnectorMetadata' }));
export type ConnectorMetadata = z.infer<typeof ConnectorMetadataSchema>;

export const AppsReadResponseSchema = lazySchema(() => z
  .object({ apps: z.array(ConnectorMetadataSchema), missingAppIds: z.array(z.string()) })
  .meta({ id: 'AppsReadResponse' }));

export const AppsInstalledParamsSchema = lazySchema(() => z
  .object({ threadId: z.string().nullable().optional(), forceRefresh: z.boolean().optional() })
  .meta({ id: 'AppsInstalledParams' }));
/** An app the apps MCP server offers tools for, as `app/installed` lists it. */
export const InstalledAppSchema = lazySchema(() => z
  .object({ id: z.string(), runtimeName: nullableString().optional(), enabled: z.boolean(), callable: z.boolean() })
  .meta({ id: 'InstalledApp' }));
export type InstalledApp = z.infer<typeof InstalledAppSchema>;

export const AppsInstalledResponseSchema = lazySchema(() => z
  .object({ apps: z.array(InstalledAppSchema) })
  .meta({ id: 'AppsInstalledResponse' }));
