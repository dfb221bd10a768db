// Finds Dutch phone numbers in a reply so they can become tap-to-call links.
// Alternatives are tried in order; the first one that matches at a position wins.
const PHONE_PATTERN = new RegExp(
  [
    String.raw`\+31[\s-]?(?:\(0\))?[1-9](?:[\s-]?\d){8}`, // +31 6 12345678
    String.raw`0[89]00[\s-]?\d{4}(?:\d{3})?`, // 0800-2000, 0900-8844, 0800-1234567
    String.raw`0[1-9](?:[\s-]?\d){8}`, // 020-1234567, 06-12345678
    String.raw`11[23]`, // 112, 113
  ]
    .map((alt) => String.raw`(?<![\w+])(?:${alt})(?!\d)`)
    .join('|'),
  'g',
);

/** Split text into parts: {text} or {text, tel} for each phone number found. */
export function splitPhoneNumbers(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(PHONE_PATTERN)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], tel: match[0].replace(/[^\d+]/g, '') });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
