/**
 * Text a caller sent (a customerLoginUri, a fault message quoting an element, a Content-Type) is cut to a
 * bounded length before it is logged or journaled: a 1 MB value must not become a 1 MB log line or journal
 * entry. The cut says how much was left out, so a reader knows the value was longer.
 */

/** The longest caller-supplied value a log line or journal entry carries, in UTF-16 code units. */
export const MAX_RECORDED_CHARS = 256;

export function truncate(text: string, max = MAX_RECORDED_CHARS): string {
  if (text.length <= max) return text;
  // never split a surrogate pair: the cut would leave half a character
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}...[${text.length - end} more chars]`;
}

/** `truncate` for an optional value. */
export function truncateOptional(text: string | undefined, max = MAX_RECORDED_CHARS): string | undefined {
  return text === undefined ? undefined : truncate(text, max);
}
