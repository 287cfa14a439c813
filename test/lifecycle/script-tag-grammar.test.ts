import { describe, expect, it } from 'vitest';
import { SCRIPT_TAG_EXAMPLES, SCRIPT_TAGS, scriptOf } from '../../server/domain/lifecycle.js';
import {
  readScriptTag,
  SCRIPT_TAG_FORMS,
  scriptTags,
  withScriptTags,
  writeScriptTag,
  type ScriptTag,
} from '../../wsdl/script-tags.js';

/**
 * The one tag grammar (wsdl/script-tags.ts): what the conformance kit writes is what the server reads, and
 * the docs' table names every form the grammar has.
 */

const EVERY_KIND: ScriptTag[] = [
  { kind: 'reject' },
  { kind: 'payment' },
  { kind: 'fail14' },
  { kind: 'pending', polls: 0 },
  { kind: 'pending', polls: 12 },
  { kind: 'issuing' },
  { kind: 'issuing', polls: 2 },
  { kind: 'delay', delay: '2s-8s' },
];

describe('the scripted-outcome tag grammar', () => {
  it.each(EVERY_KIND)('reads back what it writes: %o', (tag) => {
    expect(readScriptTag(writeScriptTag(tag))).toEqual(tag);
  });

  it('writes tags into the local part and reads them back in order, case-insensitively', () => {
    const email = withScriptTags('Alice.Example@Example.COM', [{ kind: 'pending', polls: 2 }, { kind: 'fail14' }]);
    expect(email).toBe('Alice.Example+pending2+fail14@Example.COM');
    expect(scriptTags(email.replace('fail14', 'FAIL14'))).toEqual(['pending2', 'fail14']);
  });

  it('leaves other plus-addressing alone: unknown words, a number where none belongs, the domain', () => {
    expect(scriptTags('alice+newsletter+reject2+pending+delay@example.com')).toEqual([]);
    expect(scriptTags('alice@example+reject.com')).toEqual([]);
    expect(readScriptTag('issuing')).toEqual({ kind: 'issuing' });
    expect(() => withScriptTags('not-an-address', [{ kind: 'reject' }])).toThrow(/not an email address/);
  });

  it('has a documented effect and an example for every form, and each example reads as its form', () => {
    expect(Object.keys(SCRIPT_TAGS).sort()).toEqual([...SCRIPT_TAG_FORMS].sort());
    for (const form of SCRIPT_TAG_FORMS) {
      const [tag] = scriptTags(SCRIPT_TAG_EXAMPLES[form]);
      expect(form.startsWith(readScriptTag(tag)!.kind), `${form}: ${SCRIPT_TAG_EXAMPLES[form]}`).toBe(true);
    }
  });

  it('gives the server the script the kit asked for', () => {
    const tags = scriptTags(withScriptTags('kit@example.com', EVERY_KIND.slice(0, 3)));
    expect(scriptOf(tags)).toEqual({ reject: true, payment: true, fail14: true });
    expect(scriptOf(['issuing']).issuingPolls).toBe(3);
    expect(scriptOf(['issuing2', 'pending4'])).toMatchObject({ issuingPolls: 2, pendingPolls: 4 });
    expect(scriptOf(['delay5polls']).delay).toEqual({ kind: 'polls', polls: 5 });
  });
});
