import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';
import { AbsolutePathSchema } from '../common.js';

export const ClientInfoSchema = lazySchema(() => z
  .object({
    name: z.string(),
    title: z.string().nullable().optional(),
    version: z.string(),
  })
  .meta({ id: 'ClientInfo' }));
export type ClientInfo = z.infer<typeof ClientInfoSchema>;

/** Client-declared capabilities negotiated during initialize; fixed for the connection's lifetime. */
export const InitializeCapabilitiesSchema = lazySchema(() => z
  .object({
    experimentalApi: z
      .boolean()
      .default(false)
      .describe('Opt into receiving experimental API methods and fields.'),
    requestAttestation: z
      .boolean()
      .default(false)
      .describe('Opt into `attestation/generate` requests for upstream `x-oai-attestation`.'),
    optOutNotificationMethods: z
      .array(z.string())
      .nullable()
      .optional()
      .describe('Exact notification method names that should be suppressed for this connection.'),
    requiredHumanApproval: z.boolean().optional(),
    explicitGatewayOauth: z.boolean().optional(),
    mcpServerOpenaiFormElicitation: z.boolean().optional(),
    extensions: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .meta({ id: 'InitializeCapabilities', description: 'Client-declared capabilities negotiated during initialize.' }));
export type InitializeCapabilities = z.infer<typeof InitializeCapabilitiesSchema>;

export const InitializeParamsSchema = lazySchema(() => z
  .object({
    clientInfo: ClientInfoSchema,
    capabilities: InitializeCapabilitiesSchema.nullable().optional(),
  })
  .meta({ id: 'InitializeParams' }));
export type InitializeParams = z.infer<typeof InitializeParamsSchema>;

export const InitializeResponseSchema = lazySchema(() => z
  .object({
    userAgent: z.string(),
    codexHome: AbsolutePathSchema.describe("Absolute path to the server's $CODEX_HOME directory."),
    platformFamily: z.string().describe('Platform family for the running app-server target, e.g. "unix".'),
    platformOs: z.string().describe('Operating system for the running app-server target, e.g. "linux".'),
  })
  .meta({ id: 'InitializeResponse' }));
export type InitializeResponse = z.infer<typeof InitializeResponseSchema>;
