/**
 * A domain failure reported by Katalyst (malformed bytes, an unavailable build, …), with a
 * stable `code`. Argument errors are `TypeError`/`RangeError`, which carry a `code` too.
 *
 * Both builds create these errors in their own glue, so `instanceof` checks the name rather
 * than the prototype chain.
 */
export class KatalystError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'KatalystError';
    this.code = code;
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === 'KatalystError';
  }
}

/** Plain data for an error, to send across `postMessage` (which drops `name` and `code`). */
export function serializeError(e) {
  if (e instanceof Error) return { name: e.name, message: e.message, code: e.code, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

/** Rebuilds an error serialized by {@link serializeError}, as the same class with the same code. */
export function deserializeError(d) {
  const Class = d.name === 'TypeError' ? TypeError : d.name === 'RangeError' ? RangeError : Error;
  const e = d.name === 'KatalystError' ? new KatalystError(d.code, d.message) : new Class(d.message);
  if (d.code !== undefined) e.code = d.code;
  return e;
}
