import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REASON_NAMES } from '../../server/ca/crl.js';
import { reasonCodeFromText } from '../../server/domain/orders.js';
import { docsPath } from '../support/readme-tables.js';

/** The revoke call's free-text reason to a CRLReason, phrase by phrase as docs/ca.md's "Reasons" promises. */

/** [phrase, reason name] for every phrase of the page's bullet: `"a", "b" → name; "c" → other; ...` */
function readmePhrases(): Array<[string, string]> {
  const page = readFileSync(docsPath('ca.md'), 'utf8');
  const bullet =
    /\*\*Reasons\*\* come from the revoke call's free-text `reason`: ([\s\S]*?)\. Anything\s+else is unspecified/.exec(
      page,
    );
  if (!bullet) throw new Error('docs/ca.md has no "Reasons" bullet in the form this test reads');
  return bullet[1].split(';').flatMap((group) => {
    const [phrases, name] = group.split('→').map((s) => s.trim());
    return [...phrases.matchAll(/"([^"]+)"/g)].map((m): [string, string] => [m[1], name]);
  });
}

const codeOf = (name: string) => Number(Object.entries(REASON_NAMES).find(([, n]) => n === name)![0]);

describe('revocation reasons from free text', () => {
  const phrases = readmePhrases();

  it('docs/ca.md lists phrases for every reason it names', () => {
    expect(phrases.length).toBeGreaterThanOrEqual(18);
    expect(new Set(phrases.map(([, name]) => name))).toEqual(
      new Set([
        'keyCompromise',
        'cACompromise',
        'affiliationChanged',
        'superseded',
        'cessationOfOperation',
        'privilegeWithdrawn',
      ]),
    );
  });

  it.each(phrases)('"%s" is %s, alone, in a sentence and in capitals', (phrase, name) => {
    const code = codeOf(name);
    expect(reasonCodeFromText(phrase)).toBe(code);
    expect(reasonCodeFromText(`Revoked: ${phrase} (ticket 42)`)).toBe(code);
    expect(reasonCodeFromText(phrase.toUpperCase())).toBe(code);
  });

  it('"CA compromised" is the CA\'s compromise, a compromised key is the key\'s, anything else unspecified', () => {
    expect(reasonCodeFromText('CA compromised')).toBe(2);
    expect(reasonCodeFromText('CAcompromise')).toBe(2);
    expect(reasonCodeFromText('key compromised')).toBe(1);
    expect(reasonCodeFromText('laptop compromised')).toBe(1);
    expect(reasonCodeFromText('')).toBe(0);
    expect(reasonCodeFromText('requested by the user')).toBe(0);
  });
});
