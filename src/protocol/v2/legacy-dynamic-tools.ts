import type * as z from 'zod';

/*
 * `thread/start.dynamicTools` in the shape clients used before tools had a `type` (observed from the reference
 * 0.169.0, which still accepts it although its schema only shows the typed shape): plain `{name, description,
 * inputSchema}` functions, optionally with a flat `namespace` (functions sharing one are gathered into that
 * namespace) and `exposeToContext: false` for a tool the model must search for (the typed shape's
 * `deferLoading: true`; an explicit `deferLoading` wins). One list uses one shape: mixing them, or giving a typed
 * tool a legacy field, is refused.
 */

const MIXED = 'dynamic tools must use either canonical or legacy format consistently';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The typed equivalent of `value` when it is a legacy list; anything else is returned as it is. */
export function canonicalDynamicTools(value: unknown, ctx: z.core.$RefinementCtx): unknown {
  if (!Array.isArray(value)) return value;
  const objects = value.filter(isObject);
  const legacy = objects.filter((item) => !('type' in item));
  const typedWithLegacyFields = objects.some((item) => 'type' in item && ('namespace' in item || 'exposeToContext' in item));
  if (typedWithLegacyFields || (legacy.length > 0 && legacy.length < value.length)) {
    ctx.addIssue({ code: 'custom', message: MIXED, input: value });
    return value;
  }
  if (legacy.length === 0) return value;
  const out: Json[] = [];
  const namespaces = new Map<string, { tools: Json[] }>();
  for (const { namespace, exposeToContext, deferLoading, ...rest } of legacy) {
    const deferred = typeof deferLoading === 'boolean' ? deferLoading : exposeToContext === false ? true : undefined;
    const tool: Json = { type: 'function', ...rest, ...(deferred === undefined ? {} : { deferLoading: deferred }) };
    if (typeof namespace !== 'string') {
      out.push(tool);
      continue;
    }
    let group = namespaces.get(namespace);
    if (group === undefined) {
      group = { tools: [] };
      namespaces.set(namespace, group);
      out.push({ type: 'namespace', name: namespace, description: `Tools the client provides in ${namespace}.`, tools: group.tools });
    }
    group.tools.push(tool);
  }
  return out;
}
