// The help center through a real app: articles visible only to the roles they name (in the list, the
// search and by id), search ranked by relevance from body words, one "was this helpful" answer per person,
// managers' CRUD and 4xx on bad input, the starter guides (created once, covering every role, naming only
// real pages), and the core's "Help for this page" link, which leaves with the support plugin.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { createStarterGuides, starterGuides } from '../../../plugins/support/help/starters';
import { account, browser, login } from '../auth/helpers';
import { supportPrivacy } from '../../../plugins/support/privacy';
import { eventually } from '../../core/helpers';

describe('support: the help center', function () {
  this.timeout(120_000);
  let t: TestApp;
  let ada: Persona;
  let lou: Persona;
  let ian: Persona;
  let sue: Persona;
  let teachersOnly: string;

  const titles = (body: { items: { title: string }[] }) => body.items.map((a) => a.title);
  const page = (who: string, url: string) => t.as(who).get(url).set('Accept', 'text/html');

  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'courses', 'content', 'reporting', 'maintenance', 'support', 'privacy'] });
    ada = await t.persona('ada', 'admin');
    lou = await t.persona('lou', 'learner');
    ian = await t.persona('ian', 'instructor');
    sue = await t.persona('sue', 'support');
    const res = await ada.post('/api/v1/help/articles').send({
      kind: 'guide', title: 'Grading rubrics for teachers', body: 'How instructors weigh the zyxwv rubric when grading.', roles: ['instructor'],
      category: 'Teaching', tags: ['grading'],
    }).expect(201);
    teachersOnly = res.body.id;
  });
  after(() => t?.close());

  it('creates the starter guides at start, once, covering every role, each naming only real pages', async () => {
    const guides = starterGuides();
    const stored = await t.db('support_help_articles').whereNull('author_id').pluck('slug');
    const routes = new Set(t.app.http.mounted.filter((m) => m.route.html || m.plugin !== 'core' || m.route.path === '/').map((m) => m.route.path));
    const unknownPages = guides.flatMap((g) => g.pages.filter((p) => !routes.has(p)).map((p) => `${g.slug}: ${p}`));
    const roles = new Set(guides.flatMap((g) => (g.roles.length ? g.roles : ['everyone'])));
    expect({
      all: guides.every((g) => stored.includes(g.slug)), unknownPages,
      roles: ['everyone', 'instructor', 'content-manager', 'admin', 'support'].filter((r) => !roles.has(r)),
      faqs: guides.filter((g) => g.kind === 'faq').length >= 5, guides: guides.filter((g) => g.kind === 'guide').length >= 20,
    }).to.deep.equal({ all: true, unknownPages: [], roles: [], faqs: true, guides: true });
  });

  it('keeps an edited or deleted starter guide as the administrator left it at the next start', async () => {
    const [deleted, edited] = await t.db('support_help_articles').whereIn('slug', ['faq-change-language', 'faq-maintenance-page']).orderBy('slug').select('id', 'slug');
    await ada.patch(`/api/v1/help/articles/${edited.id}`).send({ title: 'Edited by us' }).expect(200);
    await ada.delete(`/api/v1/help/articles/${deleted.id}`).expect(204);
    const created = await createStarterGuides(t.app.contextOf('support'));
    const rows = await t.db('support_help_articles').whereIn('slug', [edited.slug, deleted.slug]).select('slug', 'title');
    expect({ created, rows }).to.deep.equal({ created: 0, rows: [{ slug: edited.slug, title: 'Edited by us' }] });
  });

  it('never shows a learner an instructor-only guide: not in the list, not in a search, not by id', async () => {
    const [list, search, byId, asIan, asIanById] = await Promise.all([
      lou.get('/api/v1/help/articles?limit=200').expect(200),
      lou.get('/api/v1/help/articles?q=zyxwv').expect(200),
      lou.get(`/api/v1/help/articles/${teachersOnly}`),
      ian.get('/api/v1/help/articles?q=zyxwv').expect(200),
      ian.get(`/api/v1/help/articles/${teachersOnly}`).expect(200),
    ]);
    const helpPage = await page('lou', '/help?q=zyxwv');
    expect({
      list: titles(list.body).includes('Grading rubrics for teachers'), learnerGuides: titles(list.body).includes('Find a course and enroll in it'),
      search: search.body.items.length, byId: byId.status, asIan: titles(asIan.body), html: asIanById.body.html.includes('<p>How instructors'),
      page: [helpPage.status, helpPage.text.includes('Grading rubrics')],
    }).to.deep.equal({
      list: false, learnerGuides: true, search: 0, byId: 404, asIan: ['Grading rubrics for teachers'], html: true, page: [200, false],
    });
  });

  it('finds articles by words of their body, most relevant first, and pages the results with a cursor', async () => {
    for (const [title, body] of [['Quokka basics', 'A quokka here.'], ['All about quokkas', 'Quokka quokka quokka: quokkas everywhere, quokka.'], ['Unrelated', 'Nothing to see.']]) {
      await ada.post('/api/v1/help/articles').send({ kind: 'faq', title, body, category: 'Animals' }).expect(201);
    }
    const all = await lou.get('/api/v1/help/articles?q=quokka').expect(200);
    const first = await lou.get('/api/v1/help/articles?q=quokka&limit=1').expect(200);
    const second = await lou.get(`/api/v1/help/articles?q=quokka&limit=1&cursor=${first.body.nextCursor}`).expect(200);
    const faqs = await lou.get('/api/v1/help/articles?kind=faq&category=Animals').expect(200);
    const badCursor = await lou.get('/api/v1/help/articles?cursor=nonsense').expect(400);
    const titleCursor = Buffer.from(JSON.stringify(['Quokka basics', 1])).toString('base64url');
    const wrongOrder = await lou.get(`/api/v1/help/articles?q=quokka&cursor=${titleCursor}`).expect(400);
    expect({
      all: titles(all.body), paged: [...titles(first.body), ...titles(second.body)], last: second.body.nextCursor,
      faqs: titles(faqs.body), bad: [badCursor.body.errors[0].path, wrongOrder.body.errors[0].path],
    }).to.deep.equal({
      all: ['All about quokkas', 'Quokka basics'], paged: ['All about quokkas', 'Quokka basics'], last: null,
      faqs: ['All about quokkas', 'Quokka basics', 'Unrelated'], bad: ['query.cursor', 'query.cursor'],
    });
  });

  it('keeps one "was this helpful" answer per person and article, the second replacing the first; counts go to managers only', async () => {
    const [article] = (await lou.get('/api/v1/help/articles?q=quokka&limit=1').expect(200)).body.items;
    await lou.post(`/api/v1/help/articles/${article.id}/feedback`).send({ helpful: false, comment: 'Too short' }).expect(200);
    const again = await lou.post(`/api/v1/help/articles/${article.id}/feedback`).send({ helpful: true }).expect(200);
    await ian.post(`/api/v1/help/articles/${article.id}/feedback`).send({ helpful: false }).expect(200);
    const hidden = await lou.post(`/api/v1/help/articles/${teachersOnly}/feedback`).send({ helpful: true });
    const [asManager, asLearner] = await Promise.all([sue.get(`/api/v1/help/articles/${article.id}`).expect(200), lou.get(`/api/v1/help/articles/${article.id}`).expect(200)]);
    const rows = await t.db('support_help_feedback').where({ article_id: article.id }).count({ n: '*' }).first();
    expect({
      again: [again.body.helpful, again.body.comment], hidden: hidden.status, counts: asManager.body.feedback, learner: 'feedback' in asLearner.body, rows: Number(rows?.n),
    }).to.deep.equal({ again: [true, null], hidden: 404, counts: { helpful: 1, notHelpful: 1 }, learner: false, rows: 2 });
  });

  it('lets help managers create, change and delete articles, refusing bad input with 4xx and others with 403', async () => {
    const created = await sue.post('/api/v1/help/articles').send({ kind: 'faq', title: 'Où est la sortie ?', body: 'Là.', roles: ['learner'], published: false }).expect(201);
    const [duplicate, badKind, unknownRole, noBody, badPage, byLearner, learnerSeesDraft] = await Promise.all([
      sue.post('/api/v1/help/articles').send({ kind: 'faq', title: 'Again', slug: created.body.slug, body: 'x' }),
      sue.post('/api/v1/help/articles').send({ kind: 'essay', title: 'x', body: 'x' }),
      sue.post('/api/v1/help/articles').send({ kind: 'faq', title: 'x', body: 'x', roles: ['wizard'] }),
      sue.post('/api/v1/help/articles').send({ kind: 'faq', title: 'x' }),
      sue.patch(`/api/v1/help/articles/${created.body.id}`).send({ pages: ['not a path'] }),
      lou.post('/api/v1/help/articles').send({ kind: 'faq', title: 'x', body: 'x' }),
      lou.get(`/api/v1/help/articles/${created.body.id}`),
    ]);
    const published = await sue.patch(`/api/v1/help/articles/${created.body.id}`).send({ published: true, tags: ['exits'] }).expect(200);
    const learnerSees = await lou.get(`/api/v1/help/articles/${created.body.id}`);
    await sue.delete(`/api/v1/help/articles/${created.body.id}`).expect(204);
    const gone = await sue.get(`/api/v1/help/articles/${created.body.id}`);
    const paths = (res: { body: { errors?: { path: string }[] } }) => [...new Set((res.body.errors ?? []).map((e) => e.path))];
    expect({
      slug: created.body.slug, duplicate: duplicate.status, badKind: [badKind.status, paths(badKind)], unknownRole: [unknownRole.status, paths(unknownRole)],
      noBody: [noBody.status, paths(noBody)], badPage: [badPage.status, paths(badPage)[0]], byLearner: byLearner.status, draft: learnerSeesDraft.status,
      published: [published.body.published, published.body.tags, learnerSees.status], gone: gone.status,
    }).to.deep.equal({
      slug: 'ou-est-la-sortie', duplicate: 409, badKind: [400, ['body.kind']], unknownRole: [400, ['body.roles']],
      noBody: [400, ['body.body']], badPage: [400, 'body.pages.0'], byLearner: 403, draft: 404,
      published: [true, ['exits'], 200], gone: 404,
    });
  });

  it('shows "Help for this page" on a page a guide names, to those who may read it, and not once the support plugin is disabled', async () => {
    const link = 'href="/help/build-a-course"';
    const [admin, learner] = await Promise.all([page('ada', '/admin/courses'), page('lou', '/courses')]);
    await t.app.setEnabled('support', false);
    const disabled = await page('ada', '/admin/courses');
    await t.app.setEnabled('support', true);
    const again = await page('ada', '/admin/courses');
    expect({
      admin: [admin.status, admin.text.includes('Help for this page'), admin.text.includes(link)],
      learner: [learner.status, learner.text.includes('href="/help/find-and-enroll-in-a-course"'), learner.text.includes(link)],
      disabled: [disabled.status, disabled.text.includes('Help for this page')], again: again.text.includes(link),
    }).to.deep.equal({ admin: [200, true, true], learner: [200, true, false], disabled: [200, false], again: true });
  });

  it('changes "Help for this page" on a second instance of the same system within 5 seconds of an article changing', async () => {
    const second = await createTestApp({ plugins: ['auth', 'courses', 'content', 'reporting', 'maintenance', 'support', 'privacy'], shareWith: t });
    try {
      const shown = async () => (await second.as(ada.id).get('/my/transcript').set('Accept', 'text/html')).text.includes('href="/help/transcript-for-auditors"');
      const before = await shown();
      const res = await ada.post('/api/v1/help/articles').send({ kind: 'faq', title: 'Transcripts for auditors', slug: 'transcript-for-auditors', body: 'x', pages: ['/my/transcript'] }).expect(201);
      await eventually(shown, 5000);
      await ada.delete(`/api/v1/help/articles/${res.body.id}`).expect(204);
      await eventually(async () => !(await shown()), 5000);
      expect(before).to.equal(false);
    } finally {
      await second.close();
    }
  });

  it('serves the help pages and the admin pages, deletion behind a confirmation page, and refuses the admin pages to a learner', async () => {
    const [list, article, admin] = await Promise.all([page('lou', '/help'), page('lou', '/help/take-a-course'), page('sue', '/admin/help')]);
    const [{ id }] = await t.db('support_help_articles').where({ slug: 'take-a-course' }).select('id');
    const [edit, confirm, refused] = await Promise.all([page('sue', `/admin/help/${id}`), page('sue', `/admin/help/${id}/delete`), page('lou', '/admin/help')]);
    expect({
      list: [list.status, list.text.includes('href="/help/take-a-course"'), list.text.includes('href="/help"')],
      article: [article.status, article.text.includes('<strong>Mark as done</strong>'), article.text.includes('Was this helpful?'),
        article.text.includes('href="/help?category&#x3D;Learning"'), article.text.includes('href="/help?tag&#x3D;items"')],
      admin: [admin.status, admin.text.includes('New article')], edit: [edit.status, edit.text.includes('id="edit-body"')],
      confirm: [confirm.status, confirm.text.includes('Delete the article')], refused: refused.status,
    }).to.deep.equal({
      list: [200, true, true], article: [200, true, true, true, true], admin: [200, true], edit: [200, true], confirm: [200, true], refused: 403,
    });
  });

  it('creates, edits and deletes through the admin forms, showing each mistake beside its field and saving nothing then', async () => {
    await account(t, 'hana@example.test', ['support']);
    const hana = await login(t, 'hana@example.test');
    const b = browser(t);
    const invalid = (html: string, id: string) => new RegExp(`<(input|select|textarea) id="${id}"[^>]*aria-invalid="true"`).test(html);
    const blank = { kind: 'guide', title: '', slug: '', category: '', tags: '', roles: '', pages: '', body: '' };
    const count = async () => Number((await t.db('support_help_articles').count({ n: '*' }).first() as { n: string | number }).n);
    const before = await count();
    const bad = await b.post(hana, '/admin/help', { ...blank, title: 'Exits', pages: 'not a path', body: '' });
    const afterBad = await count();
    const good = await b.post(hana, '/admin/help', { ...blank, title: 'Fire exits', pages: '/courses\n/my/courses', roles: 'learner', tags: 'safety, exits', body: '# Exits\n\nLeave calmly.', published: 'on' });
    const id = good.location.split('/').pop()?.split('?')[0] ?? '';
    const badEdit = await b.post(hana, `/admin/help/${id}`, { ...blank, title: 'Fire exits', slug: 'Not A Slug', body: 'x' });
    const feedback = await b.post(hana, '/help/fire-exits/feedback', { helpful: 'yes', comment: 'Clear' });
    const noAnswer = await b.post(hana, '/help/fire-exits/feedback', { comment: 'Hmm' });
    const removed = await b.post(hana, `/admin/help/${id}/delete`);
    expect({
      bad: [bad.status, invalid(bad.text, 'create-pages'), invalid(bad.text, 'create-body'), invalid(bad.text, 'create-title'), bad.text.includes('value="Exits"'), afterBad - before],
      good: [good.status, good.location.endsWith('?done=created')],
      badEdit: [badEdit.status, invalid(badEdit.text, 'edit-slug'), invalid(badEdit.text, 'edit-title')],
      feedback: [feedback.status, feedback.location], noAnswer: [noAnswer.status, noAnswer.text.includes('must be yes or no')],
      removed: [removed.status, removed.location, await count()],
    }).to.deep.equal({
      bad: [400, true, true, false, true, 0], good: [303, true], badEdit: [400, true, false],
      feedback: [303, '/help/fire-exits?done=thanks'], noAnswer: [400, true], removed: [303, '/admin/help?done=deleted', before],
    });
  });

  it('exports a person\'s articles and feedback, and on erasure keeps their articles without them and deletes their feedback', async () => {
    const author = await t.persona('wes', 'support');
    const res = await author.post('/api/v1/help/articles').send({ kind: 'faq', title: 'Written by Wes', body: 'Wes wrote this.' }).expect(201);
    await author.post(`/api/v1/help/articles/${res.body.id}/feedback`).send({ helpful: true, comment: 'Mine' }).expect(200);
    const ctx = t.app.contextOf('support');
    const exported = await supportPrivacy.export(author.id, ctx) as { helpArticlesWritten: { title: string }[]; helpFeedback: { comment: string }[] };
    await supportPrivacy.erase(author.id, ctx);
    const [article, feedback] = await Promise.all([
      t.db('support_help_articles').where({ id: res.body.id }).first('title', 'author_id'),
      t.db('support_help_feedback').where({ user_id: author.id }).count({ n: '*' }).first(),
    ]);
    expect({
      tables: supportPrivacy.tables, written: exported.helpArticlesWritten.map((a) => a.title), feedback: exported.helpFeedback.map((f) => f.comment),
      kept: article, left: Number(feedback?.n),
    }).to.deep.equal({
      tables: ['support_help_articles', 'support_help_feedback', 'support_tickets', 'support_ticket_comments'], written: ['Written by Wes'], feedback: ['Mine'],
      kept: { title: 'Written by Wes', author_id: null }, left: 0,
    });
  });
});
