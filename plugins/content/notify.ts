// Emails about review: approvers learn of a submission, authors of an approval or a rejection, owners of
// content due for review. The job is written in the transaction of the change (`notify`); it finds the
// recipients when it runs and hands one core.sendMail job per person to the mailer.
import { CoreServices, defineJob, SYSTEM, Type, type JobContext, type TransactionContext } from 'lectern';
import { mailPeople } from 'lectern/auth';
import { contentPermissions } from './permissions';
import { ITEMS, VERSIONS, type ItemRow, type VersionRow } from './model/rows';

const Kind = Type.Union([Type.Literal('submitted'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('review-due')]);
type Kind = 'submitted' | 'approved' | 'rejected' | 'review-due';

/** At most this many approvers are told of one submission. */
const MAX_APPROVERS = 100;

export const notifyJob = defineJob({
  name: 'content.notify',
  payload: Type.Object({ kind: Kind, contentId: Type.String({ pattern: '^[0-9]{1,18}$' }), version: Type.Integer({ minimum: 1 }) }),
  async handler({ kind, contentId, version }, job) {
    const item: ItemRow | undefined = await job.db(ITEMS).where({ id: contentId }).first();
    const v: VersionRow | undefined = await job.db(VERSIONS).where({ item_id: contentId, number: version }).first();
    if (!item || !v) return { sent: 0 };
    const ids = kind === 'submitted' ? await approvers(job, v.submitted_by)
      : kind === 'review-due' ? [item.owner_id]
        : [v.submitted_by, v.author_id, item.owner_id];
    const link = job.url(`/admin/content/${contentId}`);
    const recipients = ids.filter((id): id is string => !!id);
    return { sent: await mailPeople(job, recipients, message(kind, item.title, version, v.reject_reason, link)) };
  },
});

/** Everyone holding a role that grants content:approve at the system level, except the submitter. */
async function approvers(job: JobContext, submitter: string | null): Promise<string[]> {
  const engine = job.resolve(CoreServices.permissions);
  const roles = (await engine.listRoles()).filter((r) => r.permissions.includes(contentPermissions.approve.name)).map((r) => r.key);
  if (!roles.length) return [];
  const ids = new Set<string>();
  for (const role of roles) {
    const rows: { user_id: string }[] = await engine.holdersOf(role, SYSTEM).orderBy('a.user_id').limit(MAX_APPROVERS + 1);
    for (const r of rows) if (r.user_id !== submitter) ids.add(r.user_id);
  }
  return [...ids].slice(0, MAX_APPROVERS);
}

function message(kind: Kind, title: string, version: number, reason: string | null, link: string): { subject: string; text: string } {
  switch (kind) {
    case 'submitted': return { subject: `Review requested: ${title}`, text: `Version ${version} of "${title}" waits for your review:\n${link}` };
    case 'approved': return { subject: `Published: ${title}`, text: `Version ${version} of "${title}" was approved and is now what learners see:\n${link}` };
    case 'rejected': return { subject: `Changes requested: ${title}`, text: `Version ${version} of "${title}" was sent back:\n\n${reason ?? ''}\n\n${link}` };
    case 'review-due': return { subject: `Due for review: ${title}`, text: `"${title}" is due for its regular review. Check it is still current, then edit it or confirm it:\n${link}` };
  }
}

/** Writes the notice job in the transaction of the change it tells of. */
export async function notify(tx: TransactionContext, payload: { kind: Kind; contentId: string; version: number }): Promise<void> {
  await tx.enqueue(notifyJob, payload);
}
