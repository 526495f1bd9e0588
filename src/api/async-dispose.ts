/**
 * Symbol.asyncDispose for runtimes without it (Node 18): the symbol Node 20 defines
 * (`Symbol.for('nodejs.asyncDispose')`), which TypeScript's `await using` helper then finds.
 * Imported for its effect before any class that defines `[Symbol.asyncDispose]`.
 */
if (typeof Symbol.asyncDispose !== 'symbol')
  Object.defineProperty(Symbol, 'asyncDispose', {
    value: Symbol.for('nodejs.asyncDispose'),
    configurable: false,
    enumerable: false,
    writable: false,
  });

export {};
