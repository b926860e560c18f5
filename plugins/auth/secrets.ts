// Random credentials and their at-rest form: only a SHA-256 of a session id, API token or one-time
// link is stored, so a copy of the database lets nobody log in.
import crypto from 'node:crypto';

export const newSecret = (prefix = '') => prefix + crypto.randomBytes(32).toString('base64url');
export const digest = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');
