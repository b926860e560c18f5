// Support tickets through a real app (auth + support) on a clock the tests drive: a learner opens a ticket,
// the support team sees it in the queue and is emailed, assigns it, writes an internal note the learner
// never sees (API or page), replies (emailed to the learner); another learner gets 404; status transitions
// and the 400s naming the field; the SLA over-target flag as the clock moves; paging by age; the forms'
// mistakes beside their fields; export and erasure; and the retention pruning of closed tickets.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { ticketsPrivacy } from '../../../plugins/support/tickets/privacy';
import { pruneClosedTickets } from '../../../plugins/support/tickets/retention';
import { outbox } from '../auth/helpers';

interface TicketBody { id: string; status: string; assigneeId: string | null; waitingSince: string | null; overSla: boolean; waitingHours: number | null; subject: string }
interface Detail extends TicketBody { comments: { body: string; internal: boolean; fromSupport: boolean }[] }

describe('support: tickets', function () {
  this.timeout(90_000);
  let t: TestApp;
  let now = new Date('2030-01-07T08:00:00.000Z');
  const at = (iso: string) => { now = new Date(iso); };
  let ada: Persona;
  let sue: Persona;
  let lou: Persona;
  let max: Persona;
  let ticket: TicketBody;

  const page = (who: Persona, url: string) => t.as(who.id).get(url).set('Accept', 'text/html');
  const mailsTo = (name: string) => outbox(t).filter((m) => m.to.includes(`${name}@example.test`));
  const audits = async (action: string) => (await t.db('core_audit').where({ action, target_id: ticket.id }).orderBy('id').select('details')).map((r: { details: unknown }) => r.details);

  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'support'], clock: () => now });
    ada = await t.persona('ada', 'admin');
    sue = await t.persona('sue', 'support');
    lou = await t.persona('lou');
    max = await t.persona('max');
  });
  after(() => t?.close());

  it('opens a ticket for any signed-in person, refuses an unknown category naming it, and emails the support team', async () => {
    const bad = await lou.post('/api/v1/support/tickets').send({ subject: 'Locked out', body: 'Help', category: 'Billing' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors).to.deep.equal([{ path: 'body.category', message: 'must be one of: Access and accounts, Courses and enrollment, Content, Reports, Other' }]);
    expect(bad.body.detail).to.contain('Billing');
    expect(Number((await t.db('support_tickets').count({ n: '*' }).first() as { n: string | number }).n)).to.equal(0);
    await t.post('/api/v1/support/tickets').send({ subject: 'x', body: 'y' }).expect(401);

    const res = await lou.post('/api/v1/support/tickets').send({ subject: 'Cannot open my course', body: 'The page stays blank.', category: 'Courses and enrollment' }).expect(201);
    ticket = res.body;
    expect(res.body).to.deep.include({ status: 'open', requesterId: lou.id, assigneeId: null, category: 'Courses and enrollment', overSla: false, waitingSince: now.toISOString() });
    await t.jobs.drain();
    expect(mailsTo('sue').map((m) => m.subject)).to.deep.equal([`New ticket: [Ticket #${ticket.id}] Cannot open my course`]);
    expect(mailsTo('ada')).to.have.length(1);
    expect(mailsTo('lou')).to.have.length(0);
  });

  it('lists the requester\'s own tickets, every ticket for the support team, and answers 404 to anyone else', async () => {
    const other = await max.post('/api/v1/support/tickets').send({ subject: 'Another', body: 'Mine' }).expect(201);
    const ids = async (who: Persona) => (await who.get('/api/v1/support/tickets').expect(200)).body.items.map((i: TicketBody) => i.id);
    expect({ lou: await ids(lou), max: await ids(max), sue: await ids(sue) })
      .to.deep.equal({ lou: [ticket.id], max: [other.body.id], sue: [ticket.id, other.body.id] });
    const notYours = await max.get(`/api/v1/support/tickets/${ticket.id}`);
    const none = await max.get('/api/v1/support/tickets/999999');
    expect([notYours.status, none.status, notYours.body.detail]).to.deep.equal([404, 404, none.body.detail.replace('999999', ticket.id)]);
    await max.post(`/api/v1/support/tickets/${ticket.id}/comments`).send({ body: 'me too' }).expect(404);
    expect((await page(max, `/support/tickets/${ticket.id}`)).status).to.equal(404);
    await lou.patch(`/api/v1/support/tickets/${ticket.id}`).send({ status: 'closed' }).expect(403);
    expect((await page(lou, '/admin/support')).status).to.equal(403);
  });

  it('assigns only to someone who handles tickets (400 naming assigneeId), audits it and emails the assignee', async () => {
    const bad = await ada.patch(`/api/v1/support/tickets/${ticket.id}`).send({ assigneeId: max.id });
    expect([bad.status, bad.body.errors?.[0]?.path]).to.deep.equal([400, 'body.assigneeId']);
    const res = await ada.patch(`/api/v1/support/tickets/${ticket.id}`).send({ assigneeId: sue.id }).expect(200);
    expect(res.body).to.deep.include({ assigneeId: sue.id, status: 'open' });
    await t.jobs.drain();
    expect(mailsTo('sue').map((m) => m.subject)).to.include(`Assigned to you: [Ticket #${ticket.id}] Cannot open my course`);
    expect(await audits('support.ticket.assign')).to.deep.equal([{ from: null, to: sue.id }]);
    const mine = await sue.get('/api/v1/support/tickets?assigned=mine').expect(200);
    const unassigned = await sue.get('/api/v1/support/tickets?assigned=unassigned').expect(200);
    expect([mine.body.items.map((i: TicketBody) => i.id), unassigned.body.items.some((i: TicketBody) => i.id === ticket.id)]).to.deep.equal([[ticket.id], false]);
  });

  it('keeps internal notes from the requester (API, page and email) and emails support\'s reply', async () => {
    await lou.post(`/api/v1/support/tickets/${ticket.id}/comments`).send({ body: 'Can I write a note?', internal: true }).expect(403);
    await sue.post(`/api/v1/support/tickets/${ticket.id}/comments`).send({ body: 'SECRET: check the browser cache first', internal: true }).expect(201);
    await sue.post(`/api/v1/support/tickets/${ticket.id}/comments`).send({ body: 'Please clear your cache and try again.' }).expect(201);
    await t.jobs.drain();

    const seen = (await lou.get(`/api/v1/support/tickets/${ticket.id}`).expect(200)).body as Detail;
    const handled = (await sue.get(`/api/v1/support/tickets/${ticket.id}`).expect(200)).body as Detail;
    expect(seen.comments.map((c) => c.body)).to.deep.equal(['Please clear your cache and try again.']);
    expect(handled.comments.map((c) => [c.internal, c.fromSupport])).to.deep.equal([[true, true], [false, true]]);
    expect(seen.waitingSince, 'support answered: the wait is over').to.equal(null);

    const mine = await page(lou, `/support/tickets/${ticket.id}`);
    const queue = await page(sue, `/admin/support/tickets/${ticket.id}`);
    expect([mine.status, mine.text.includes('Please clear your cache'), mine.text.includes('SECRET')]).to.deep.equal([200, true, false]);
    expect([queue.status, queue.text.includes('SECRET: check the browser cache first')]).to.deep.equal([200, true]);
    const list = await page(sue, '/admin/support');
    expect([mine, queue, list].filter((p) => p.text.includes('support.tickets.')), 'an untranslated string key').to.deep.equal([]);

    const replies = mailsTo('lou');
    expect(replies.map((m) => m.subject)).to.deep.equal([`Reply: [Ticket #${ticket.id}] Cannot open my course`]);
    expect(replies[0].text).to.contain('Please clear your cache and try again.');
    expect(outbox(t).some((m) => m.text.includes('SECRET'))).to.equal(false);
  });

  it('moves a ticket along its transitions: a requester\'s reply reopens it, closed is final (400 naming status), each change audited and emailed', async () => {
    await sue.patch(`/api/v1/support/tickets/${ticket.id}`).send({ status: 'resolved' }).expect(200);
    await lou.post(`/api/v1/support/tickets/${ticket.id}/comments`).send({ body: 'Still blank.' }).expect(201);
    const reopened = (await lou.get(`/api/v1/support/tickets/${ticket.id}`).expect(200)).body as Detail;
    expect([reopened.status, reopened.waitingSince]).to.deep.equal(['open', now.toISOString()]);
    await sue.patch(`/api/v1/support/tickets/${ticket.id}`).send({ status: 'closed' }).expect(200);
    const back = await sue.patch(`/api/v1/support/tickets/${ticket.id}`).send({ status: 'open' });
    expect([back.status, back.body.errors?.[0]?.path]).to.deep.equal([400, 'body.status']);
    await lou.post(`/api/v1/support/tickets/${ticket.id}/comments`).send({ body: 'Hello?' }).expect(409);
    await sue.patch(`/api/v1/support/tickets/${ticket.id}`).send({ status: 'bogus' }).expect(400);
    await sue.patch(`/api/v1/support/tickets/${ticket.id}`).send({}).expect(400);
    await t.jobs.drain();
    expect((await audits('support.ticket.status')).map((d) => (d as { to: string }).to)).to.deep.equal(['resolved', 'open', 'closed']);
    expect(mailsTo('lou').map((m) => m.subject.split(':')[0])).to.deep.equal(['Reply', 'Ticket resolved', 'Ticket closed']);
    expect(mailsTo('sue').map((m) => m.subject.split(':')[0])).to.include('Requester replied');
  });

  it('flags a ticket over the SLA target once its requester has waited longer than slaHours, and clears it when support replies', async () => {
    at('2030-01-08T08:00:00.000Z');
    const res = await lou.post('/api/v1/support/tickets').send({ subject: 'Slow one', body: 'Waiting' }).expect(201);
    const id: string = res.body.id;
    const row = async () => ((await sue.get('/api/v1/support/tickets?status=open').expect(200)).body.items as TicketBody[]).find((i) => i.id === id) as TicketBody;
    at('2030-01-09T07:00:00.000Z');
    expect(await row()).to.deep.include({ overSla: false, waitingHours: 23 });
    at('2030-01-09T09:00:00.000Z');
    expect(await row()).to.deep.include({ overSla: true, waitingHours: 25 });
    const queue = await page(sue, '/admin/support?status=open');
    expect(queue.text).to.match(new RegExp(`#${id} Slow one[\\s\\S]*?data-over-sla`));
    await sue.post(`/api/v1/support/tickets/${id}/comments`).send({ body: 'Looking at it.' }).expect(201);
    expect(await row()).to.deep.include({ overSla: false, waitingHours: null, waitingSince: null });
  });

  it('pages the list by age, oldest first or newest first, keeping its filters', async () => {
    for (const n of [1, 2, 3]) await max.post('/api/v1/support/tickets').send({ subject: `Paged ${n}`, body: 'x' }).expect(201);
    const all = (await sue.get('/api/v1/support/tickets?limit=200').expect(200)).body.items.map((i: TicketBody) => i.id);
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: TicketBody[]; nextCursor: string | null } } = await sue.get(`/api/v1/support/tickets?limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        seen.push(...res.body.items.map((i) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(all.length).to.be.above(4);
    expect(await walk('')).to.deep.equal(all);
    expect(await walk('dir=desc')).to.deep.equal([...all].reverse());
    expect((await walk('status=closed'))).to.deep.equal([ticket.id]);
    await sue.get('/api/v1/support/tickets?cursor=bm90LWEtY3Vyc29y').expect(400);
    const html = await page(sue, '/admin/support?limit=2');
    expect(html.status).to.equal(200);
    const empty = await page(sue, '/admin/support?status=pending');
    expect(empty.text).to.contain('No ticket matches these filters.');
  });

  it('opens a ticket with the form, showing a mistake beside its field and saving nothing', async () => {
    const count = async () => Number((await t.db('support_tickets').count({ n: '*' }).first() as { n: string | number }).n);
    const before = await count();
    const bad = await t.as(lou.id).post('/support/tickets').type('form').send({ subject: '  ', body: 'Something', category: '' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.match(/<input id="open-subject"[^>]*aria-invalid="true"/);
    expect(bad.text).to.contain('Something');
    expect(await count()).to.equal(before);
    const good = await t.as(lou.id).post('/support/tickets').type('form').send({ subject: 'From the form', body: 'Hi', category: 'Other' });
    expect(good.status).to.equal(303);
    const list = await page(lou, '/support');
    expect([list.status, list.text.includes('From the form'), list.text.includes('Paged 1')]).to.deep.equal([200, true, false]);
    const id = /\/support\/tickets\/(\d+)/.exec(good.headers.location)?.[1] as string;
    const assign = await t.as(ada.id).post(`/admin/support/tickets/${id}`).type('form').send({ status: 'pending', assigneeId: max.id });
    expect([assign.status, /<select id="change-assignee"[^>]*aria-invalid="true"/.test(assign.text)]).to.deep.equal([400, true]);
    const note = await t.as(sue.id).post(`/admin/support/tickets/${id}/comments`).type('form').send({ body: 'Form note', internal: 'on' });
    expect(note.status).to.equal(303);
    expect((await page(lou, `/support/tickets/${id}`)).text).to.not.contain('Form note');
  });

  it('exports a requester\'s tickets without internal notes, and erasure anonymizes them keeping the counts', async () => {
    const ctx = t.app.contextOf('support');
    const exported = await ticketsPrivacy.export(lou.id, ctx) as { tickets: { id: string; comments: { body: string }[] }[] };
    const first = exported.tickets.find((x) => x.id === ticket.id);
    expect(first?.comments.map((c) => c.body)).to.deep.equal(['Please clear your cache and try again.', 'Still blank.']);
    expect(JSON.stringify(exported)).to.not.contain('SECRET');

    const counts = async () => [await t.db('support_tickets').count({ n: '*' }).first(), await t.db('support_ticket_comments').count({ n: '*' }).first()].map((r) => Number((r as { n: string | number }).n));
    const before = await counts();
    await ticketsPrivacy.erase(lou.id, ctx);
    await ticketsPrivacy.erase(sue.id, ctx);
    expect(await counts()).to.deep.equal(before);
    const row = await t.db('support_tickets').where({ id: ticket.id }).first();
    expect([row.subject, row.body, row.requester_user_id, row.assignee_id]).to.deep.equal(['[erased]', '[erased]', null, null]);
    const left = await t.db('support_ticket_comments').whereIn('author_user_id', [lou.id, sue.id]).count({ n: '*' }).first() as { n: string | number };
    expect(Number(left.n)).to.equal(0);
    expect((await t.db('support_ticket_comments').where({ ticket_id: ticket.id }).pluck('body')).every((b: string) => b === '[erased]')).to.equal(true);
    expect((await t.db('support_tickets').where({ requester_user_id: lou.id }).count({ n: '*' }).first() as { n: string | number }).n).to.satisfy((n: string | number) => Number(n) === 0);
    const queue = await page(ada, `/admin/support/tickets/${ticket.id}`);
    expect(queue.text).to.contain('Erased account');
  });

  it('prunes the tickets closed before the retention cut-off, with their comments, and nothing else', async () => {
    const ctx = t.app.contextOf('support');
    const closedAt = new Date((await t.db('support_tickets').where({ id: ticket.id }).first()).closed_at);
    expect(await pruneClosedTickets(closedAt, ctx)).to.equal(0);
    const total = Number((await t.db('support_tickets').count({ n: '*' }).first() as { n: string | number }).n);
    expect(await pruneClosedTickets(new Date(closedAt.getTime() + 1), ctx)).to.equal(1);
    expect([
      Number((await t.db('support_tickets').count({ n: '*' }).first() as { n: string | number }).n),
      Number((await t.db('support_ticket_comments').where({ ticket_id: ticket.id }).count({ n: '*' }).first() as { n: string | number }).n),
    ]).to.deep.equal([total - 1, 0]);
  });
});
