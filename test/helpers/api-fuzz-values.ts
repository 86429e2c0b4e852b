/**
 * fast-check arbitraries for fuzzing the HTTP API: text with unicode edge cases (NUL, lone
 * surrogates, bidi controls, emoji, very long strings), extreme numbers, JSON of wrong types
 * and unknown fields, and the encodings (path segments, query strings, bodies) that carry
 * them, including raw bytes a client could send but `JSON.stringify` never writes.
 */
import fc from 'fast-check';

/** Strings that have broken servers before, or that storage or a file system refuse. */
const EDGE_TEXT = [
  '', ' ', '\0', 'a\u0000b', '\udfff', 'x\ud800', '\ud83d', '\u202Eabc\u202Ctxt.exe', '\u05E9\u05DC\u05D5\u05DD \u200F',
  '👩‍👩‍👧‍👦', 'e\u0301', '\uFEFFbom', '\uFFFF', '\u{10FFFF}', '\u0085\u2028\u2029', '\t\r\n', '../../etc/passwd',
  '/etc/passwd', 'C:\\x', '%00', '%ZZ', '__proto__', 'constructor', 'prototype', '=cmd|calc', '<script>alert(1)</script>',
  "'; drop table instances; --", 'null', 'true', '1e400', '-0', 'NaN', 'a'.repeat(256), 'é'.repeat(200), 'x'.repeat(100_000),
] as const;

/** What no storage takes: NUL and lone surrogates, alone or inside other text. */
const UNSTORABLE = ['\0', 'a\u0000b', '\udfff', 'x\ud800y', '\ud83d', 'ok\u0000'] as const;

/** Any text: ASCII, any code point (lone surrogates included), graphemes, or an edge case. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_TEXT) },
  // The class of input that reached the database and failed there: often, on purpose.
  { weight: 4, arbitrary: fc.constantFrom(...UNSTORABLE) },
);

/** Text a careful client sends: any graphemes (emoji, RTL, combining marks), not blank. */
export const validText: fc.Arbitrary<string> = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }).filter((t) => t.trim() !== '');


/** Numbers, the extreme ones often (NaN and ±Infinity become null in JSON). */
export const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 0.5, -0, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, 5e-324),
);

const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null));

/** Any JSON value, a few levels deep. */
export const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value that does not belong: hostile text most often, else any JSON. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: text }, { weight: 1, arbitrary: json });

/** The one fault of an otherwise valid body: text storage refuses half the time. */
const fault: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(...UNSTORABLE), hostile);

/**
 * A valid object with one thing wrong: a field replaced by a hostile value, or an unknown
 * field added. One fault at a time reaches the code behind the checks a wholly wrong body
 * stops at.
 */
export function withOneFault(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(valid, fc.nat(), fault, fc.nat(3), text).map(([body, pick, bad, add, key]) => {
    const keys = Object.keys(body);
    if (add === 0 || keys.length === 0) return { ...body, [key === '' ? 'extra' : key]: bad };
    return { ...body, [keys[pick % keys.length]!]: bad };
  });
}

/** A body as a careful client sends it, with one fault, or wrong all over. */
export const anyOf = (valid: fc.Arbitrary<Record<string, unknown>>, wrong: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof({ weight: 1, arbitrary: valid }, { weight: 2, arbitrary: withOneFault(valid) }, { weight: 1, arbitrary: wrong });

/** `value` most of the time, else a value of any other type. */
export const orWrong = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: json });

/** A body object from `fields`, any of them left out, sometimes with unknown fields added. */
export function bodyOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const known = fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
  const extra = fc.option(fc.dictionary(text, json, { minKeys: 1, maxKeys: 2 }), { freq: 4 });
  return fc.tuple(known, extra).map(([body, unknown]) => (unknown ? { ...unknown, ...body } : body));
}

/** Percent-encodes text for a URL, lone surrogates as the 3 bytes WTF-8 gives them (not valid UTF-8). */
export function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xed, 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/** A path segment: encoded text, or one of the raw forms a hand-written URL may hold. */
export const segment = (known: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: known.map(percentEncode) },
    { weight: 2, arbitrary: text.filter((t) => t !== '').map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%E0%A4%A', '%00', '%2e%2e', '..', '%ED%BF%BF', '%C0%AF', '%F4%90%80%80') },
  );

/** A query string from parameter arbitraries (each may be left out), plus sometimes an unknown one. */
export function queryOf(params: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const known = fc.record(params, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
  const extra = fc.option(fc.tuple(text, text), { freq: 4 });
  return fc.tuple(known, extra).map(([values, unknown]) => {
    const pairs = Object.entries(values);
    if (unknown) pairs.push(unknown);
    const query = pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&');
    return query ? `?${query}` : '';
  });
}

/** A whole-number query value, valid or not. */
export const intText: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.nat(20).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('0', '-1', '2147483647', '2147483648', '4294967296', '99999999999999999999', '1e3', '0x10', ' 1', '1.5', '') },
  { weight: 1, arbitrary: text },
);

/** A request body: JSON of the value (most often), or raw text/bytes no serializer writes. */
export interface EncodedBody {
  body?: string | Uint8Array;
  contentType?: string;
}

const deep = (n: number) => `{"name":${'['.repeat(n)}${']'.repeat(n)}}`;

/** Encodes a generated body value, sometimes as something broken. */
export function encodedBody(value: fc.Arbitrary<unknown>): fc.Arbitrary<EncodedBody> {
  const utf8 = (body: string) => ({ body, contentType: 'application/json' });
  return fc.oneof(
    { weight: 12, arbitrary: value.map((v) => utf8(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.constantFrom(10_000, 65, 64, 200_000).map((n) => utf8(deep(n))) },
    { weight: 1, arbitrary: fc.constantFrom('{"timeoutMs":1e400}', '{"name":"x","configuration":{"count":-1e999}}', '{"a":1,"a":2}').map(utf8) },
    { weight: 1, arbitrary: fc.constantFrom('', '[1]', '"x"', 'null', '42', '{', '{"name":"x"', 'garbage', '\uFEFF{}').map(utf8) },
    {
      weight: 1,
      arbitrary: value.map((v) => {
        const bytes = Buffer.from(JSON.stringify(v) ?? 'null');
        return { body: Buffer.concat([bytes.subarray(0, 1), Buffer.from([0xff, 0xc3]), bytes.subarray(1)]), contentType: 'application/json' };
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/problem+json').map((contentType) => ({ body: '{}', contentType })) },
  );
}
