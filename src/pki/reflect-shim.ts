// Minimal Reflect metadata API, installed only when absent, so @peculiar/x509 (via tsyringe) can load.
// tsyringe throws at import time unless Reflect.getMetadata exists, and no reflect polyfill
// (reflect-metadata, core-js, @abraham/reflection) is a project dependency. tsyringe only needs
// get/getOwn/define; @peculiar/x509 emits no design-time metadata, so lookups mostly return undefined.
// Import this module before '@peculiar/x509' (ESM evaluates imports in order).

type Key = string | symbol | undefined;
const store = new WeakMap<object, Map<Key, Map<unknown, unknown>>>();

function own(target: object, prop: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProp = store.get(target);
  if (!byProp) {
    if (!create) return undefined;
    store.set(target, (byProp = new Map()));
  }
  let map = byProp.get(prop);
  if (!map && create) byProp.set(prop, (map = new Map()));
  return map;
}

const api = {
  defineMetadata(key: unknown, value: unknown, target: object, prop?: string | symbol): void {
    own(target, prop, true)!.set(key, value);
  },
  getOwnMetadata(key: unknown, target: object, prop?: string | symbol): unknown {
    return own(target, prop, false)?.get(key);
  },
  hasOwnMetadata(key: unknown, target: object, prop?: string | symbol): boolean {
    return own(target, prop, false)?.has(key) ?? false;
  },
  // Inherited lookup walks the prototype chain, as reflect-metadata does.
  getMetadata(key: unknown, target: object, prop?: string | symbol): unknown {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const map = own(t, prop, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  },
  hasMetadata(key: unknown, target: object, prop?: string | symbol): boolean {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      if (own(t, prop, false)?.has(key)) return true;
    }
    return false;
  },
  metadata(key: unknown, value: unknown) {
    return (target: object, prop?: string | symbol): void => api.defineMetadata(key, value, target, prop);
  },
};

const R = Reflect as unknown as Record<string, unknown>;
if (typeof R['getMetadata'] !== 'function') {
  for (const [name, fn] of Object.entries(api)) {
    if (typeof R[name] !== 'function') R[name] = fn;
  }
}

export {};
