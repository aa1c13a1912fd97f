/**
 * Configuration is read on first use, never at import: importing a module needs no
 * variable, and a function that uses a resource its declaration does not give it fails
 * at that use with the variable's name (functions/platform/resources.ts says which).
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

/** An optional variable that is a positive number; throws when set to anything else. */
export function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Environment variable ${name} must be a positive number, got "${raw}"`);
  }
  return value;
}

/** A value built on first call and kept for the life of the process (a warm Lambda). */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/**
 * An object built on first property access: adapters and SDK clients are declared at
 * module scope (so handlers stay one line) but touch their configuration only when used.
 */
export function lazy<T extends object>(build: () => T): T {
  const target = once(build);
  return new Proxy({} as T, {
    get(_, property) {
      const object = target();
      const value = Reflect.get(object, property, object) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
    },
    has: (_, property) => Reflect.has(target(), property),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, property) => Reflect.getOwnPropertyDescriptor(target(), property),
  });
}

/**
 * Stands in for a port this function does not wire (its resource is not in the route's
 * `uses`): any use fails at once, naming what to add, instead of reaching an undeclared resource.
 */
export function notWired<T extends object>(port: string, resource: string): T {
  return new Proxy({} as T, {
    get(_, property) {
      if (property === 'then') return undefined; // not a thenable
      throw new Error(
        `This function does not wire the ${port} port: add '${resource}' to its route's uses and pass the adapter in its handler`,
      );
    },
  });
}
