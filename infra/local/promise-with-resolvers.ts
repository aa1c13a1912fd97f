/**
 * `Promise.withResolvers` (ES2024) for Node 20.
 *
 * aws-local-stepfunctions 3 calls it for every Task state and declares Node >= 22, while this project
 * supports Node 20.19+, which lacks it. Import this module for its side effect before any state machine
 * runs (infra/local/stepfunctions/ imports it ahead of the library). It defines the method only when the
 * runtime has none, so on Node 22+ it does nothing.
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
  let resolve: Resolvers<T>['resolve'] = () => {};
  let reject: Resolvers<T>['reject'] = () => {};
  // `new this` rather than `new Promise`, as the specification does, so subclasses get their own type.
  const promise = new this<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

if (typeof Reflect.get(Promise, 'withResolvers') !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    value: withResolvers,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

export {};
