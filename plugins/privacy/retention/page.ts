// The retention page (/admin/privacy/retention, privacy:manage): each kind of personal data with the days
// it is kept in one form, and what the last run deleted. A bad value is shown beside its field.
import { badRequest, defineAdminPage, defineRoute, Done, doneNotice, reply, submitForm, Type, type FormState, type SignedInRequest } from 'lectern';
import { privacyPermissions } from '../permissions';
import { retentionState, setRetention } from './actions';
import { MAX_RETENTION_DAYS } from './settings';

export const RETENTION_PATH = '/admin/privacy/retention';
const VIEW = 'privacy/admin/retention';
const RetentionForm = Type.Record(Type.String({ maxLength: 80 }), Type.String({ maxLength: 12 }));

async function page(req: SignedInRequest, forms: Record<string, FormState> = {}): Promise<Record<string, unknown>> {
  const state = await retentionState(req);
  const sent = forms.retention;
  return {
    title: 'Data retention', maxDays: MAX_RETENTION_DAYS, lastRun: state.lastRun,
    kinds: state.kinds.map((k) => ({
      ...k, value: String(sent?.values?.[k.kind] ?? k.days), error: sent?.fields?.[k.kind],
      deleted: state.lastRun?.counts[k.kind] ?? null, fieldId: `days-${k.kind.replace(/[^a-z0-9]/gi, '-')}`,
    })),
    forms: { retention: sent ?? { values: {} } },
  };
}

export const retentionAdminPage = defineAdminPage({
  path: RETENTION_PATH, title: 'Data retention', permission: privacyPermissions.manage, view: VIEW,
  query: Type.Object({ done: Done }),
  load: async (req) => ({ ...(await page(req)), notice: doneNotice({ saved: 'Saved: the next run applies these periods.' }, req.query.done) }),
});

export const retentionPageRoutes = [
  defineRoute({
    method: 'POST', path: RETENTION_PATH, permission: privacyPermissions.manage, html: true, body: RetentionForm, summary: 'Set retention periods (form)',
    async handler(req) {
      const form = { view: VIEW, form: 'retention', values: req.body, load: (sent: Record<string, FormState>) => page(req, sent) };
      return submitForm(req, form, async () => {
        const days: Record<string, number> = {};
        const errors: { path: string; message: string }[] = [];
        for (const [kind, text] of Object.entries(req.body)) {
          const n = Number(text.trim());
          if (!/^[0-9]{1,6}$/.test(text.trim()) || n > MAX_RETENTION_DAYS) errors.push({ path: `body.${kind}`, message: `must be a whole number of days from 0 to ${MAX_RETENTION_DAYS}` });
          else days[kind] = n;
        }
        if (errors.length) throw badRequest('Correct the marked fields.', errors);
        await setRetention(req, days);
        return reply.redirect(`${RETENTION_PATH}?done=saved`);
      });
    },
  }),
];
