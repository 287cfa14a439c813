/**
 * ccm-mock's scripted-outcome tags: NOT part of CCM's contract. A live CCM reads `alice+reject@example.com`
 * as an ordinary (plus-addressed) email; ccm-mock reads the `+reject` in it as "reject this order". The
 * grammar lives here, beside the contract, because both sides of the mock use it: the server reads tags
 * from the enroll email (server/domain/lifecycle.ts gives them their meaning and documents them), and the
 * conformance kit's mock-only checks write them (client/ may import only wsdl/: it must run against a live
 * CCM, and nothing here talks to one).
 *
 * A tag is a `+word` in the email's local part, case-insensitive; several may be combined
 * (`alice+pending2+fail14@...`); anything else after a `+` is plain plus-addressing.
 */

/** The forms a tag takes, as the docs name them. */
export const SCRIPT_TAG_FORMS = ['reject', 'pending<N>', 'payment', 'issuing<N>', 'fail14', 'delay<D>'] as const;
export type ScriptTagForm = (typeof SCRIPT_TAG_FORMS)[number];

/** One tag, read. `delay` is the text of a delay (its notation is the server's: lifecycle.ts parseDelay). */
export type ScriptTag =
  | { kind: 'reject' }
  | { kind: 'payment' }
  | { kind: 'fail14' }
  | { kind: 'pending'; polls: number }
  /** without a number, the server's default number of polls */
  | { kind: 'issuing'; polls?: number }
  | { kind: 'delay'; delay: string };

const TAG = /^(?:reject|payment|fail14|pending(\d+)|issuing(\d*)|delay([0-9a-z.-]+))$/;

/** A tag's text, as it follows the `+`: `{ kind: 'pending', polls: 2 }` -> `pending2`. */
export function writeScriptTag(tag: ScriptTag): string {
  switch (tag.kind) {
    case 'pending':
    case 'issuing':
      return `${tag.kind}${tag.polls ?? ''}`;
    case 'delay':
      return `delay${tag.delay}`;
    default:
      return tag.kind;
  }
}

/** An address carrying tags: `withScriptTags('alice@example.com', [{ kind: 'reject' }])` -> `alice+reject@example.com`. */
export function withScriptTags(email: string, tags: readonly ScriptTag[]): string {
  const at = email.lastIndexOf('@');
  if (at < 0) throw new Error(`not an email address: ${email}`);
  return email.slice(0, at) + tags.map((t) => '+' + writeScriptTag(t)).join('') + email.slice(at);
}

/** The text of a tag read back, or undefined when it is not one (plain plus-addressing). */
export function readScriptTag(text: string): ScriptTag | undefined {
  const m = TAG.exec(text.toLowerCase());
  if (!m) return undefined;
  const [word, pending, issuing, delay] = m;
  if (pending !== undefined) return { kind: 'pending', polls: Number(pending) };
  if (issuing !== undefined) return issuing ? { kind: 'issuing', polls: Number(issuing) } : { kind: 'issuing' };
  if (delay !== undefined) return { kind: 'delay', delay };
  return { kind: word as 'reject' | 'payment' | 'fail14' };
}

/** The tags of an email's local part, lowercased, in order (what an order keeps). */
export function scriptTags(email: string): string[] {
  const local = email.slice(0, Math.max(0, email.lastIndexOf('@')));
  return local
    .split('+')
    .slice(1)
    .map((t) => t.toLowerCase())
    .filter((t) => readScriptTag(t) !== undefined);
}
