import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { comparable, EXAMPLES_PAGE, examplesIn, makeExamples, renderExamples } from '../support/profile-examples.js';

/** docs/certificate-profiles.md shows the certificates the mock issues, as openssl prints them (npm run docs). */
describe('the certificate profiles page', () => {
  it('has every example as a real mock issues it now: made again, it differs only in the new CA key identifiers', async () => {
    const page = readFileSync(EXAMPLES_PAGE, 'utf8');
    const examples = await makeExamples();
    expect(examplesIn(page).sort()).toEqual(Object.keys(examples).sort());
    expect(comparable(renderExamples(page, examples)), 'docs/certificate-profiles.md is stale: run npm run docs').toBe(
      comparable(page),
    );
  });

  it('refuses a marker naming no example', () => {
    expect(() => renderExamples('<!-- BEGIN EXAMPLE: nope -->\n<!-- END EXAMPLE: nope -->', {})).toThrow(
      /"nope" is none of/,
    );
  });
});
