// Verification codes: 120 random bits written as 24 base32 letters and digits (RFC 4648 alphabet),
// unguessable, easy to read aloud or type from paper, and safe in a URL.
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BYTES = 15;

/** A fresh verification code; the table's unique index catches the (astronomically unlikely) repeat. */
export function newVerificationCode(): string {
  let bits = 0;
  let value = 0;
  let code = '';
  for (const byte of crypto.randomBytes(BYTES)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      code += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return code;
}

/** What a person typed, as stored: upper case, without spaces or dashes. */
export const normalizeCode = (typed: string) => typed.replace(/[\s-]/g, '').toUpperCase();

/** The pattern a route accepts before looking a code up (lenient: an unknown code is a 404, not a 400). */
export const CODE_PATTERN = '^[A-Za-z0-9-]{1,64}$';
