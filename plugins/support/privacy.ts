// The support plugin's privacy provider: the parts of the plugin that store personal data each have
// their own (help/privacy.ts, tickets/privacy.ts), and this one covers all their tables, exports what
// each holds about a person into one bundle and erases with each in turn.
import type { PrivacyProvider } from 'lectern';
import { helpPrivacy } from './help/privacy';
import { ticketsPrivacy } from './tickets/privacy';

const parts: readonly PrivacyProvider[] = [
  helpPrivacy,
  ticketsPrivacy,
];

export const supportPrivacy: PrivacyProvider = {
  tables: parts.flatMap((p) => p.tables),
  retention: parts.flatMap((p) => p.retention ?? []),
  async export(userId, ctx) {
    return Object.assign({}, ...await Promise.all(parts.map((p) => p.export(userId, ctx)))) as Record<string, unknown>;
  },
  async erase(userId, ctx) {
    for (const p of parts) await p.erase(userId, ctx);
  },
};
