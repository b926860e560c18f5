// The password reset email, sent from a job: the request only counts itself and writes this job, the
// same work whether or not the address has an account, so its timing tells nobody which addresses do.
// The job looks the account up and mails a link to an active one; otherwise it does nothing.
import { defineJob, Type } from 'lectern';
import { authSettings } from './settings';
import { findByEmail } from './users';
import { sendLink } from './links';

export const sendResetLink = defineJob({
  name: 'auth.sendResetLink',
  payload: Type.Object({ email: Type.String(), ip: Type.String() }, { additionalProperties: false }),
  async handler({ email, ip }, job) {
    const user = await findByEmail(job.db, email);
    if (!user || user.status !== 'active') return;
    const settings = await job.settings(authSettings);
    await job.transaction(async (tx) => {
      await sendLink(tx, { id: String(user.id), email: user.email, name: user.name }, 'reset', settings, job.now(), (p) => job.url(p));
      await tx.audit({ action: 'auth.password.resetRequested', actorId: null, ip, target: { type: 'user', id: String(user.id) } });
    });
  },
});
