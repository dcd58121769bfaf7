import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/*
 * How an MCP server's tools are offered to the model (observed from the reference 0.169.0): one `namespace` tool
 * named `mcp__<server>` holding the server's tools under their own names, sorted by name, each a non-strict
 * function whose parameters are the tool's input schema without its `$schema` marker. The model then calls
 * `echo` with namespace `mcp__<server>`.
 */

/** The Responses API's limit on a tool or namespace name, and the characters it allows. */
const MAX_NAME_LENGTH = 64;
const INVALID_NAME_CHARACTERS = /[^a-zA-Z0-9_-]/g;

/** A name the Responses API accepts: other characters become `_`, and it is cut to 64 characters. */
export function modelSafeName(name: string): string {
  return name.replace(INVALID_NAME_CHARACTERS, '_').slice(0, MAX_NAME_LENGTH);
}

/** The namespace the model calls a server's tools in. */
export function mcpNamespace(server: string): string {
  return modelSafeName(`mcp__${server}`);
}

/** The namespace tool for `server`'s `tools`, or null when it offers none. */
export function mcpNamespaceSpec(server: string, tools: readonly Tool[]): Record<string, unknown> | null {
  if (tools.length === 0) return null;
  const namespace = mcpNamespace(server);
  const functions = [...tools]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((tool) => ({
      type: 'function',
      name: modelSafeName(tool.name),
      description: tool.description ?? '',
      strict: false,
      parameters: sanitizedSchema(tool.inputSchema),
    }));
  return {
    type: 'namespace',
    name: namespace,
    description: `Tools from the MCP server \`${server}\`, as configured by the user.`,
    tools: functions,
  };
}

/**
 * An input schema the Responses API takes: an object schema with `properties`, without the JSON Schema dialect
 * marker (which it rejects). Everything else is the server's own.
 */
export function sanitizedSchema(schema: unknown): Record<string, unknown> {
  const source = typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? schema : {};
  const { $schema: _dialect, ...rest } = source as Record<string, unknown>;
  return { ...rest, type: 'object', properties: rest['properties'] ?? {} };
}

/** The server tool a model-facing name stands for (names are sanitized, so it may differ). */
export function toolByModelName(tools: readonly Tool[], name: string): Tool | undefined {
  return tools.find((tool) => tool.name === name) ?? tools.find((tool) => modelSafeName(tool.name) === name);
}
