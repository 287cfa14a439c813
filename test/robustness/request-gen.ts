import fc from 'fast-check';
import { contract, DEFAULT_NAMESPACE, OPERATIONS, SOAP11_ENVELOPE_NS, XSI_NS } from '../../wsdl/contract.js';
import type { ElementDecl } from '../../wsdl/schema-model.js';
import { escapeXml } from '../../wsdl/xml.js';
import { readCsr } from '../support/fixtures.js';

/**
 * SOAP requests generated from the contract (wsdl/EPKIManager.wsdl read by schema-model), varied the
 * ways clients and attackers vary them: children dropped, duplicated, reordered, namespace-qualified,
 * nil'd, joined by unknown elements and attributes; values of the right type, of the wrong type, out of
 * range, with XML-special and XML-invalid characters. Each request carries what the server must answer:
 * a JAXB-lenient endpoint faults only on XML it cannot read and on values it cannot convert.
 */

/** ok: HTTP 200 with a schema-valid answer; fault: a Client fault; mustUnderstand: that fault; either: any well-formed answer */
export type Outcome = 'ok' | 'fault' | 'mustUnderstand' | 'either';

export interface GeneratedRequest {
  operation: string;
  xml: string;
  outcome: Outcome;
}

/** A fragment of XML and what reading it does to the outcome. */
interface Fragment {
  xml: string;
  /** a value the unmarshaller will refuse */
  unconvertible: boolean;
  /** XML that cannot be read at all */
  malformed: boolean;
  /** the outcome cannot be predicted from here */
  unpredictable: boolean;
}

const clean = (xml: string): Fragment => ({ xml, unconvertible: false, malformed: false, unpredictable: false });
const join = (parts: Fragment[], before = '', after = ''): Fragment => ({
  xml: before + parts.map((p) => p.xml).join('') + after,
  unconvertible: parts.some((p) => p.unconvertible),
  malformed: parts.some((p) => p.malformed),
  unpredictable: parts.some((p) => p.unpredictable),
});

export interface Known {
  orderNumbers: number[];
  serials: string[];
}

// ---- values ----

/** Characters XML 1.0 allows; anything else makes the document unreadable. */
// eslint-disable-next-line no-control-regex -- the control characters XML 1.0 forbids are what this finds
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/;
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const validText = anyText.filter((s) => !XML_INVALID.test(s));
const specials = fc.constantFrom(
  '&',
  '<',
  '>',
  '"',
  "'",
  ']]>',
  '&amp;',
  '&#0;',
  '&#x41;',
  '\r\n',
  '\t',
  ' ',
  '\u00a0',
  '\u2028',
  '\uFEFF',
  '😀',
);
const trickyText = fc.array(fc.oneof(validText, specials), { maxLength: 6 }).map((xs) => xs.join(''));

/**
 * Text content: escaped properly (readable); in a hostile request also with raw markup or characters XML
 * cannot carry dropped in. (Hostility is chosen per request, so that clean requests reach the business rules.)
 */
const textContent = (good: fc.Arbitrary<string>, hostile: boolean): fc.Arbitrary<Fragment> =>
  fc.oneof(
    { weight: 6, arbitrary: good.map((s) => clean(escapeXml(s))) },
    { weight: 3, arbitrary: trickyText.map((s) => clean(escapeXml(s))) },
    {
      weight: hostile ? 1 : 0,
      arbitrary: fc
        .tuple(validText, fc.constantFrom('\u0001', '\u0008', '\u000B', '\u001F', '\uFFFE', '\uFFFF', '\u0000'))
        .map(([s, bad]) => ({ ...clean(escapeXml(s) + bad), malformed: true })),
    },
    {
      weight: hostile ? 1 : 0,
      arbitrary: fc
        .constantFrom('<', '&', '<a>', '&x;', '</nope>', '<![CDATA[x]]>', '<!-- c -->', '<?pi x?>')
        .map((raw) => ({ ...clean(raw), unpredictable: true })),
    },
  );

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const isIntText = (s: string) => {
  const m = /^([+-]?)0*(\d{1,30})$/.exec(s.trim());
  if (!m) return false;
  const v = BigInt(m[1] + m[2]);
  return v >= BigInt(INT_MIN) && v <= BigInt(INT_MAX);
};

function intContent(preferred: fc.Arbitrary<number>, hostile: boolean): fc.Arbitrary<Fragment> {
  const good = fc.oneof(
    { weight: 4, arbitrary: preferred.map(String) },
    { weight: 2, arbitrary: fc.integer({ min: INT_MIN, max: INT_MAX }).map(String) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.nat(50), fc.constantFrom('', '+'), preferred)
        .map(([zeros, sign, n]) => ` ${n < 0 ? '-' : sign}${'0'.repeat(zeros)}${Math.abs(n)}\n`),
    },
  );
  const outOfRange = fc
    .oneof(
      fc.constantFrom(BigInt(INT_MAX) + 1n, BigInt(INT_MIN) - 1n, 2n ** 32n, 2n ** 63n, 10n ** 40n),
      fc.bigInt({ min: BigInt(INT_MAX) + 1n, max: BigInt(INT_MAX) + 1000n }),
      fc.bigInt({ min: BigInt(INT_MAX) + 1n, max: 10n ** 30n }),
      fc.bigInt({ min: -(10n ** 30n), max: BigInt(INT_MIN) - 1n }),
    )
    .map(String);
  const mistyped = fc
    .oneof(trickyText, fc.constantFrom('', '1.0', '1e3', '0x1', 'NaN', '--1', '١', '１', 'true'))
    .filter((s) => !isIntText(s) && !XML_INVALID.test(s));
  return fc.oneof(
    { weight: 8, arbitrary: good.map((s) => clean(escapeXml(s))) },
    { weight: hostile ? 1 : 0, arbitrary: outOfRange.map((s) => ({ ...clean(s), unconvertible: true })) },
    { weight: hostile ? 2 : 0, arbitrary: mistyped.map((s) => ({ ...clean(escapeXml(s)), unconvertible: true })) },
  );
}

const NAME_START = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
const xmlName = fc
  .tuple(
    fc.constantFrom(...NAME_START),
    fc.string({ unit: fc.constantFrom(...(NAME_START + '0123456789-.')), maxLength: 12 }),
  )
  .map(([a, b]) => a + b);

const emails = fc.oneof(
  fc.constantFrom(
    'alice@example.com',
    'bob+pending2@example.com',
    'carol+issuing2@example.com',
    'dave@sub.example.com',
    'x@example.org',
    'mallory@example.net',
    'no-at-sign',
    '',
  ),
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...'abcxyz.+-_'), minLength: 1, maxLength: 20 }),
      fc.constantFrom('example.com', 'example.org', 'a.b.example.com'),
    )
    .map(([l, d]) => `${l}@${d}`),
);

/** Values the domain knows, so generated calls reach past authentication into the rules. */
function stringFor(name: string, known: Known): fc.Arbitrary<string> {
  switch (name) {
    case 'login':
      return fc.constantFrom('admin', 'admin', 'second-admin', 'nobody');
    case 'password':
      return fc.constantFrom('sandbox', 'sandbox', 'second', 'wrong');
    case 'customerLoginUri':
      return fc.constantFrom('sandbox', 'sandbox', 'other', 'readonly', 'nope');
    case 'secretKey':
      return fc.constantFrom('sandbox-secret', 'sandbox-secret', 'second-secret', 'x'.repeat(21));
    case 'email':
      return emails;
    case 'csr':
      return fc.oneof(
        { weight: 3, arbitrary: fc.constant(readCsr()) },
        { weight: 1, arbitrary: fc.base64String({ maxLength: 200 }) },
        { weight: 1, arbitrary: trickyText },
      );
    case 'serialNumber':
      return known.serials.length
        ? fc.oneof(
            fc.constantFrom(...known.serials),
            fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF: '), maxLength: 45 }),
          )
        : validText;
    case 'org':
      return fc.constantFrom('Sandbox Org', 'Second Org', 'Nope Org');
    case 'dep':
      return fc.constantFrom('', 'Engineering', 'Sales', 'Research', 'Nope');
    case 'shortName':
      return fc.constantFrom(
        'smime-standard',
        'smime-signing',
        'client-auth',
        'legacy-smime',
        'smime-signing-encryption',
        'nope',
      );
    default:
      return validText;
  }
}

function intFor(name: string, known: Known): fc.Arbitrary<number> {
  if (name === 'orgId') return fc.constantFrom(1001, 1001, 1002, 1003, 1004, 2001, 0, -1);
  if (name === 'orderNumber' && known.orderNumbers.length)
    return fc.oneof(fc.constantFrom(...known.orderNumbers), fc.integer({ min: -5, max: 9_999_999 }));
  return fc.integer({ min: -5, max: 100 });
}

// ---- elements ----

type Depth = number;

function elementOf(decl: ElementDecl, known: Known, depth: Depth, hostile: boolean): fc.Arbitrary<Fragment> {
  const content: fc.Arbitrary<Fragment> =
    decl.type.kind === 'builtin'
      ? decl.type.name === 'int'
        ? intContent(intFor(decl.name, known), hostile)
        : textContent(stringFor(decl.name, known), hostile)
      : depth > 3
        ? fc.constant(clean(''))
        : complexContent(decl.type.name, known, depth + 1, hostile);
  return fc
    .record({
      content,
      // how the element itself is written: as the schema says, nil, qualified (JAXB ignores it), or with a stray attribute
      form: fc.constantFrom(
        'plain',
        'plain',
        'plain',
        'plain',
        'plain',
        'plain',
        'plain',
        'nil',
        'qualified',
        'attribute',
      ),
    })
    .map(({ content, form }) => {
      switch (form) {
        case 'nil':
          // a nil element is skipped whatever its content; malformed content still breaks the document
          return { ...join([content], `<${decl.name} xsi:nil="true">`, `</${decl.name}>`), unconvertible: false };
        case 'qualified':
          return {
            ...join([content], `<q:${decl.name} xmlns:q="${DEFAULT_NAMESPACE}">`, `</q:${decl.name}>`),
            unconvertible: false,
          };
        case 'attribute':
          return join([content], `<${decl.name} stray="${escapeXml('"<&>')}">`, `</${decl.name}>`);
        default:
          return join([content], `<${decl.name}>`, `</${decl.name}>`);
      }
    });
}

/** The children of a complex type, each present 0..3 times, shuffled, with unknown elements among them. */
function complexContent(typeName: string, known: Known, depth: Depth, hostile: boolean): fc.Arbitrary<Fragment> {
  const decls = contract.childrenOf(typeName);
  const perChild = decls.map((d) =>
    fc.oneof(
      { weight: 6, arbitrary: elementOf(d, known, depth, hostile).map((e) => [e]) },
      { weight: 1, arbitrary: fc.constant([] as Fragment[]) },
      { weight: 1, arbitrary: fc.array(elementOf(d, known, depth, hostile), { minLength: 2, maxLength: 3 }) },
    ),
  );
  const declared = new Set(decls.map((d) => d.name));
  const unknown = fc.array(
    fc
      .tuple(
        xmlName.filter((n) => !declared.has(n)),
        textContent(validText, hostile),
      )
      .map(([name, c]) => join([c], `<${name}>`, `</${name}>`)),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...perChild), unknown, fc.boolean()).chain(([children, extra, shuffle]) => {
    const all = [...children.flat(), ...extra];
    return (
      shuffle ? fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }) : fc.constant(all)
    ).map((parts) => join(parts));
  });
}

/** A whole request: envelope, optional header, wrapper (right or wrong), generated children. */
export function soapRequest(known: Known): fc.Arbitrary<GeneratedRequest> {
  return fc
    .record({
      operation: fc.constantFrom(...OPERATIONS),
      wrapper: fc.constantFrom(
        'right',
        'right',
        'right',
        'right',
        'right',
        'right',
        'wrong-namespace',
        'unknown-operation',
      ),
      header: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'harmless', 'mustUnderstand'),
      prefix: fc.constantFrom('soapenv', 'S', 'e', 'x1'),
      hostile: fc.boolean(),
    })
    .chain(({ operation, wrapper, header, prefix, hostile }) => {
      const op = contract.operations.get(operation)!;
      const typeName = contract.elements.get(op.inputElement)!.name;
      return complexContent(typeName, known, 0, hostile).map((body): GeneratedRequest => {
        const name = wrapper === 'unknown-operation' ? operation + 'X' : operation;
        const ns = wrapper === 'wrong-namespace' ? 'urn:not-the-service' : DEFAULT_NAMESPACE;
        const head =
          header === 'harmless'
            ? `<${prefix}:Header><h:trace xmlns:h="urn:trace">1</h:trace></${prefix}:Header>`
            : header === 'mustUnderstand'
              ? `<${prefix}:Header><h:sec xmlns:h="urn:sec" ${prefix}:mustUnderstand="1"/></${prefix}:Header>`
              : '';
        const xml =
          `<?xml version="1.0" encoding="UTF-8"?><${prefix}:Envelope xmlns:${prefix}="${SOAP11_ENVELOPE_NS}" xmlns:xsi="${XSI_NS}">${head}<${prefix}:Body>` +
          `<w:${name} xmlns:w="${ns}">${body.xml}</w:${name}></${prefix}:Body></${prefix}:Envelope>`;
        // the order Metro's pipeline meets things in: the XML, the headers, dispatch, then the values
        const outcome: Outcome = body.malformed
          ? 'fault'
          : body.unpredictable
            ? 'either'
            : header === 'mustUnderstand'
              ? 'mustUnderstand'
              : wrapper !== 'right' || body.unconvertible
                ? 'fault'
                : 'ok';
        return { operation, xml, outcome };
      });
    });
}
