import * as z from 'zod';

/**
 * A zod schema that is built the first time anything touches it. The protocol declares several thousand zod
 * schemas (every method's params and result, every item and notification), and building them all was most of
 * the CPU time start-up spent before `/readyz`, though a connection typically uses a few dozen methods.
 *
 * `lazySchema(() => z.object({...}))` returns a placeholder object at once. Its prototype is a trap: the first
 * property read, `in` test or assignment runs `build` and turns the placeholder into the very schema `build`
 * made, constructed in place (zod's own constructor runs with the placeholder as `this`, on the built schema's
 * definition, as zod's `clone` does), so from then on it is an ordinary zod schema with no indirection left:
 * parsing costs what it did, `instanceof` and the registry (`.meta({ id })`, `.describe()`) behave as before, and
 * the placeholder is the one identity every importer, registry entry and generated JSON Schema sees.
 *
 * Rules for `build`: it must return a schema it created (never another lazy schema: alias one with a plain
 * `const`), and it must not use its own result while it runs (recursion goes through `z.lazy` or a getter, as
 * zod requires anyway).
 */
export function lazySchema<S extends z.ZodType>(build: () => S): S {
  let building = false;
  const materialize = (): void => {
    if (building) throw new Error('a lazily built schema was used while it was being built');
    building = true;
    try {
      becomeSchema(placeholder, build());
    } finally {
      building = false;
    }
  };
  // Only reached while the placeholder is unbuilt: building replaces this prototype with the schema's own.
  const trap = new Proxy(Object.create(null) as object, {
    get(_target, key, receiver) {
      materialize();
      return Reflect.get(placeholder, key, receiver);
    },
    has(_target, key) {
      materialize();
      return Reflect.has(placeholder, key);
    },
    set(_target, key, value, receiver) {
      materialize();
      return Reflect.set(placeholder, key, value, receiver);
    },
  });
  const placeholder = Object.create(trap) as object;
  placeholders.add(placeholder);
  return placeholder as S;
}

/** Placeholders made by lazySchema, built or not: a builder that returns one would share its identity. */
const placeholders = new WeakSet<object>();

/** The zod constructor as zod itself calls it: with `this` as the instance to initialise. */
type ZodConstructorCall = (this: object, def: unknown) => unknown;

/** Constructs `built`'s schema in `placeholder`, then hands it `built`'s parent and registry metadata. */
function becomeSchema(placeholder: object, built: z.ZodType): void {
  if (placeholders.has(built)) throw new Error('lazySchema: the builder returned another lazy schema');
  const internals = built._zod;
  Object.setPrototypeOf(placeholder, Object.getPrototypeOf(built) as object);
  const made = (internals.constr as unknown as ZodConstructorCall).call(placeholder, internals.def);
  if (made !== placeholder) throw new Error(`lazySchema: zod built ${internals.def.type} into another object`);
  const schema = placeholder as z.ZodType;
  if (internals.parent !== undefined) schema._zod.parent = internals.parent;
  // `.meta()` and `.describe()` registered the built object; the placeholder is the one the world holds.
  const meta = z.globalRegistry._map.get(built);
  if (meta !== undefined) {
    z.globalRegistry.remove(built);
    z.globalRegistry.add(schema, meta);
  }
}

/**
 * A value computed on first call and shared afterwards: for the zod shapes several lazy schemas spread
 * (`...sharedFields()`), which would otherwise be built when their module loads.
 */
export function lazyValue<T>(compute: () => T): () => T {
  let computed: { readonly value: T } | undefined;
  return () => {
    computed ??= { value: compute() };
    return computed.value;
  };
}
