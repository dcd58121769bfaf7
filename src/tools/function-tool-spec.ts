/**
 * A Responses-API `function` tool as the reference 0.169.0 writes its own: not strict, an object of parameters
 * that allows no others. `required` null leaves the list out (a tool whose parameters are all optional).
 */
export function functionToolSpec(
  name: string,
  description: string,
  properties: Record<string, unknown>,
  required: string[] | null,
): Record<string, unknown> {
  return {
    type: 'function',
    name,
    description,
    strict: false,
    parameters: {
      type: 'object',
      properties,
      ...(required === null ? {} : { required }),
      additionalProperties: false,
    },
  };
}
