// Finds the raw text of a number in JSON that JSON.parse already accepted, so amounts can be
// validated digit-for-digit instead of through a lossy double. One linear pass over char codes,
// no substrings except the returned literal. Malformed input yields undefined, never a throw.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

// Characters that can appear in a JSON number literal: digits - + . e E
function isNumberChar(c: number): boolean {
  return isDigit(c) || c === MINUS || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

function skipWhitespace(s: string, i: number): number {
  while (i < s.length && isWhitespace(s.charCodeAt(i))) i++;
  return i;
}

/** `i` is at an opening quote; returns the index just past the closing quote, or -1. */
function skipString(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH)
      i++; // the escaped char (or the 'u' of \uXXXX; hex digits are inert)
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** `i` is at the start of any value; returns the index just past it, or -1. */
function skipValue(s: string, i: number): number {
  const first = s.charCodeAt(i);
  if (first === QUOTE) return skipString(s, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // number, true, false, null: runs until a delimiter
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isWhitespace(c)) break;
      i++;
    }
    return i;
  }
  // Containers: only depth matters, strings are skipped whole so brackets inside them are inert.
  let depth = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(s, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '"': 0x22,
  '\\': 0x5c,
  '/': 0x2f,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
};

/**
 * Compares the JSON string body s[start, end) (between the quotes) with `key` after unescaping,
 * code unit by code unit, without building the decoded string.
 */
function keyEquals(s: string, start: number, end: number, key: string): boolean {
  let k = 0;
  let i = start;
  while (i < end) {
    let unit = s.charCodeAt(i);
    if (unit === BACKSLASH) {
      const esc = s[i + 1];
      if (esc === 'u') {
        unit = 0;
        for (let h = i + 2; h < i + 6; h++) {
          const v = hexValue(s.charCodeAt(h));
          if (v < 0) return false;
          unit = unit * 16 + v;
        }
        i += 6;
      } else {
        const simple = esc !== undefined && Object.hasOwn(SIMPLE_ESCAPES, esc) ? SIMPLE_ESCAPES[esc] : undefined;
        if (simple === undefined) return false;
        unit = simple;
        i += 2;
      }
    } else {
      i++;
    }
    if (k >= key.length || key.charCodeAt(k) !== unit) return false;
    k++;
  }
  return k === key.length;
}

/**
 * Raw number literal of `key` in the top-level object of `rawJson` (last occurrence wins, as
 * with JSON.parse). Undefined when the top level is not an object, the key is absent, or its
 * (last) value is not a number.
 */
export function findTopLevelNumberLiteral(rawJson: string, key: string): string | undefined {
  const s = rawJson;
  let i = skipWhitespace(s, 0);
  if (s.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i = skipWhitespace(s, i + 1);
  if (s.charCodeAt(i) === CLOSE_BRACE) return undefined;

  let found: string | undefined;
  while (i < s.length) {
    if (s.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = skipString(s, i);
    if (keyEnd < 0) return undefined;
    const matches = keyEquals(s, i + 1, keyEnd - 1, key);

    i = skipWhitespace(s, keyEnd);
    if (s.charCodeAt(i) !== COLON) return undefined;
    i = skipWhitespace(s, i + 1);

    const valueStart = i;
    i = skipValue(s, i);
    if (i < 0 || i === valueStart) return undefined;
    if (matches) {
      const c = s.charCodeAt(valueStart);
      // Reassign even when not a number: a later non-number duplicate overrides an earlier number.
      found = c === MINUS || isDigit(c) ? numberLiteralAt(s, valueStart, i) : undefined;
    }

    i = skipWhitespace(s, i);
    const sep = s.charCodeAt(i);
    if (sep === CLOSE_BRACE) return found;
    if (sep !== COMMA) return undefined;
    i = skipWhitespace(s, i + 1);
  }
  return undefined;
}

function numberLiteralAt(s: string, start: number, end: number): string | undefined {
  for (let j = start; j < end; j++) if (!isNumberChar(s.charCodeAt(j))) return undefined;
  return s.slice(start, end);
}
