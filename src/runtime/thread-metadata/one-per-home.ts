/**
 * A getter of one `T` per CODEX_HOME, made on first use: the stores here keep an in-memory copy and write one
 * change at a time, so every handler that reads or writes them must share the same instance.
 */
export function onePerHome<T>(make: (codexHome: string) => T): (codexHome: string) => T {
  const made = new Map<string, T>();
  return (codexHome) => {
    let instance = made.get(codexHome);
    if (instance === undefined) {
      instance = make(codexHome);
      made.set(codexHome, instance);
    }
    return instance;
  };
}
