import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * JSON a test reads, typed without `any`: what a schema says (checked at run time, for answers whose shape the
 * test asserts), or the project's own type for a report it wrote from that type (ConformanceReport...).
 */

/** `value` parsed by a zod schema; a mismatch fails the test naming the path and showing the value. */
export function shaped<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new Error(`unexpected JSON shape: ${z.prettifyError(result.error)}\n${JSON.stringify(value, null, 2)}`);
  }
  return result.data;
}

/** A JSON file the project wrote from the type T (a report), read back as T. */
export function readJsonFile<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** `value` after a JSON round trip (what a store that keeps JSON gives back): same type, fresh objects. */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
