import { expect } from 'vitest';
import type { RawAnswer } from '../support/http.js';
import type { Expect } from './hostile-corpus.js';

/** What every answer to a hostile request must be, and what this case in particular must get. */
export function checkAnswer(answer: RawAnswer, want: Expect, secret: string): void {
  expect(answer.text).not.toContain(secret);
  expect(answer.text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
  if ('unsupportedMedia' in want) {
    expect({ status: answer.status, text: answer.text, contentType: answer.headers['content-type'] }).toEqual({
      status: 415,
      text: '',
      contentType: undefined,
    });
    return;
  }
  expect(answer.headers['content-type']).toBe('text/xml;charset=utf-8');
  expect(answer.schemaProblems).toEqual([]); // well-formed SOAP 1.1: a schema-valid answer or a fault
  if ('fault' in want) {
    expect({ status: answer.status, faultcode: answer.faultcode }).toEqual({
      status: want.status,
      faultcode: `S:${want.fault}`,
    });
    expect(answer.faultstring?.length ?? 0).toBeGreaterThan(10);
    return;
  }
  if ('any' in want) {
    expect([200, 500]).toContain(answer.status);
    if (answer.status === 500) expect(answer.faultcode).not.toBe('S:Server');
    return;
  }
  expect({ status: answer.status, faultcode: answer.faultcode, faultstring: answer.faultstring }).toEqual({
    status: 200,
    faultcode: undefined,
    faultstring: undefined,
  });
  const code = Number(
    /<statusCode>(-?\d+)<\/statusCode>/.exec(answer.text)?.[1] ?? /<return>(-?\d+)<\/return>/.exec(answer.text)?.[1],
  );
  if ('code' in want) expect(code).toBe(want.code);
  if ('order' in want) expect(code).toBeGreaterThan(0);
}
