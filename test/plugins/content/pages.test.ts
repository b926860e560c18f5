// The content pages through a real app and browser credentials (session cookie + _csrf field): a course
// built and completed through the pages alone — content created, a PDF uploaded through the multipart
// form, both approved, placed with the section editor, enrolled, opened and downloaded by the learner;
// then the forms' mistakes beside their fields, the review forms, the version history and diff,
// objectives and their coverage, and the learner's view of each kind of content.
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { TestApp } from 'lectern';
import { account, login } from '../auth/helpers';
import { courseWith, expectOk, published, useContentWorld } from './helpers';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(3000)]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), crypto.randomBytes(5000)]);

interface Session { id: string; email: string; cookie: string; csrf: string }
interface Res { status: number; text: string; headers: Record<string, string> }

let people = 0;
/** A new account with these roles, signed in with a session cookie. */
async function signedIn(t: TestApp, name: string, roles: string[] = []): Promise<Session> {
  const made = await account(t, `${name}-${(people += 1)}@example.test`, roles);
  return { id: made.id, email: made.email, ...(await login(t, made.email)) };
}

const get = (t: TestApp, s: Session, url: string) => t.get(url).set('Cookie', s.cookie);
/** Posts a form as the signed-in person, with their _csrf. */
const post = (t: TestApp, s: Session, url: string, body: Record<string, string> = {}) =>
  t.post(url).set('Cookie', s.cookie).type('form').send({ ...body, _csrf: s.csrf });

/** The id after `prefix` in a redirect's Location; fails showing the answer when there is none. */
function redirectedTo(res: Res, prefix: string): string {
  const id = new RegExp(`^${prefix}/([0-9]+)`).exec(res.headers.location ?? '')?.[1];
  expect(id, `${res.status} ${res.headers.location ?? ''} ${res.text.slice(0, 2000)}`).to.be.a('string');
  return id as string;
}

/** The whole body of a file answer. */
const download = (t: TestApp, s: Session, url: string) => get(t, s, url).buffer(true)
  .parse((res, cb) => { const chunks: Buffer[] = []; res.on('data', (d: Buffer) => chunks.push(d)); res.on('end', () => cb(null, Buffer.concat(chunks))); });

const uploadForm = (t: TestApp, s: Session, id: string, bytes: Buffer, name: string, type: string) =>
  t.post(`/admin/content/${id}/file`).set('Cookie', s.cookie).field('_csrf', s.csrf).field('note', `Uploaded ${name}`).attach('file', bytes, { filename: name, contentType: type });

const createForm = { type: 'page', title: '', body: '', url: '', reviewEveryDays: '' };

describe('content pages: a course built and completed through the pages alone', () => {
  const w = useContentWorld();

  it('creates a page and a file (its PDF uploaded by the form), has both approved, places them in a course, and the learner completes it by opening and downloading', async () => {
    const { t } = w;
    const [manager, approver, admin, learner] = [
      await signedIn(t, 'manager', ['content-manager']), await signedIn(t, 'approver', ['content-approver']),
      await signedIn(t, 'admin', ['admin']), await signedIn(t, 'learner'),
    ];

    // The content manager writes a page and a file item, uploads the PDF and submits both.
    expect((await get(t, manager, '/admin/content')).text).to.include('<h2 id="create-heading">Create content</h2>');
    const pageId = redirectedTo(await post(t, manager, '/admin/content', { ...createForm, title: 'Welcome', body: '## Hello\n\nRead **this** first.' }), '/admin/content');
    const fileId = redirectedTo(await post(t, manager, '/admin/content', { ...createForm, type: 'file', title: 'Guide', reviewEveryDays: '365' }), '/admin/content');
    const uploadPage = (await get(t, manager, `/admin/content/${fileId}?done=created`)).text;
    const multipart = /<form[^>]*enctype="multipart\/form-data"[^>]*>[\s\S]*?<\/form>/.exec(uploadPage)?.[0] ?? '';
    const order = ['name="_csrf"', 'name="note"', 'name="file"'].map((field) => multipart.indexOf(field));
    const uploaded = await uploadForm(t, manager, fileId, PDF, 'guide.pdf', 'application/pdf');
    expect([uploaded.status, uploaded.headers.location], uploaded.text.slice(0, 2000)).to.deep.equal([303, `/admin/content/${fileId}?done=uploaded`]);
    const fileItemPage = (await get(t, manager, uploaded.headers.location)).text;
    for (const id of [pageId, fileId]) expect((await post(t, manager, `/admin/content/${id}/submit`)).headers.location).to.equal(`/admin/content/${id}?done=submitted`);

    // Another person, an approver, finds both in the review queue and approves them.
    const queue = (await get(t, approver, '/admin/content/review')).text;
    for (const id of [pageId, fileId]) expect((await post(t, approver, `/admin/content/${id}/approve`, { reviewed: 'yes' })).headers.location).to.equal(`/admin/content/${id}?done=approved`);
    const approvedPage = (await get(t, approver, `/admin/content/${pageId}?done=approved`)).text;

    // An administrator builds the course with the courses pages, choosing the content in the section editor.
    const courseId = redirectedTo(await post(t, admin, '/admin/courses', { title: 'Onboarding', code: 'ONB-1', summary: '', categoryId: '', templateId: '' }), '/admin/courses');
    const base = `/admin/courses/${courseId}`;
    expect((await post(t, admin, `${base}/sections`, { title: 'Start here' })).status).to.equal(303);
    const editor = (await get(t, admin, base)).text;
    const sectionId = new RegExp(`action="${base}/sections/([0-9]+)/items"`).exec(editor)?.[1];
    for (const id of [pageId, fileId]) {
      expect((await post(t, admin, `${base}/sections/${String(sectionId)}/items`, { contentId: `content:${id}`, title: '', required: 'true' })).headers.location).to.equal(`${base}?done=item-added`);
    }
    expect((await post(t, admin, `${base}/publish`)).status).to.equal(303);
    expect((await post(t, admin, `${base}/enrollments`, { email: learner.email, role: 'learner', dueAt: '' })).headers.location).to.equal(`${base}/enrollments?done=enrolled`);

    // The learner follows each item's link from the course page and downloads the file from its page.
    const coursePage = (await get(t, learner, `/courses/${courseId}`)).text;
    const links = [...coursePage.matchAll(new RegExp(`href="(/courses/${courseId}/items/[0-9]+/view)"`, 'g'))].map((m) => m[1]);
    const [welcome, guide] = await Promise.all(links.map(async (link) => (await get(t, learner, link)).text));
    const fileHref = /<a href="(\/api\/v1\/courses\/[0-9]+\/items\/[0-9]+\/file)">Download guide\.pdf<\/a>/.exec(guide)?.[1] as string;
    const file = await download(t, learner, fileHref);
    const mine = (await get(t, learner, '/my/courses')).text;
    const after = (await get(t, learner, `/courses/${courseId}`)).text;

    expect({
      multipartOrder: order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1])),
      fileItemPage: [fileItemPage.includes('The file is uploaded as a new draft version.'), fileItemPage.includes(`<a href="/api/v1/content/${fileId}/file">guide.pdf</a>`)],
      queue: [pageId, fileId].map((id) => queue.includes(`href="/admin/content/${id}"`)),
      approvedPage: [approvedPage.includes('Approved: this version is what learners see'), approvedPage.includes('<dd>1 (what learners see)</dd>')],
      chooser: [pageId, fileId].map((id) => editor.includes(`<option value="content:${id}"`)),
      links: links.length,
      welcome: [welcome.includes('<h1>Welcome</h1>'), welcome.includes('<h2>Hello</h2>'), welcome.includes('<strong>this</strong>'), welcome.includes(`href="/courses/${courseId}"`)],
      guide: [guide.includes('<h1>Guide</h1>'), guide.includes('(2.9 KB, application/pdf)')],
      file: [file.status, file.headers['content-type'], (file.body as Buffer).equals(PDF)],
      completed: [/<span class="badge">Completed<\/span>/.test(mine), after.includes('2 of 2 required items done (100%)'), after.includes('Completed')],
    }).to.deep.equal({
      multipartOrder: true,
      fileItemPage: [true, true],
      queue: [true, true],
      approvedPage: [true, true],
      chooser: [true, true],
      links: 2,
      welcome: [true, true, true, true],
      guide: [true, true],
      file: [200, 'application/pdf', true],
      completed: [true, true, true],
    });
  });
});

describe('content pages', () => {
  const w = useContentWorld({ allowEmbeds: true });
  let manager: Session;
  let approver: Session;
  before(async () => {
    manager = await signedIn(w.t, 'manager', ['content-manager']);
    approver = await signedIn(w.t, 'approver', ['content-approver']);
  });

  /** Creates a page through the form as the manager; its id. */
  const createPage = async (title: string, body: string, extra: Record<string, string> = {}) =>
    redirectedTo(await post(w.t, manager, '/admin/content', { ...createForm, title, body, ...extra }), '/admin/content');

  it('shows each mistake of the create form beside its field (aria-invalid), keeps what was typed, and creates nothing', async () => {
    const { t } = w;
    const before = await t.db('content_items').count({ n: '*' }).first();
    const link = await post(t, manager, '/admin/content', { ...createForm, type: 'link', title: 'Fire code' });
    const blank = await post(t, manager, '/admin/content', { ...createForm, type: '', title: ' ', reviewEveryDays: 'weekly' });
    const fileWithBody = await post(t, manager, '/admin/content', { ...createForm, type: 'file', title: 'Manual', body: 'text' });
    const invalid = (html: string, id: string) => new RegExp(`<(input|select|textarea) id="${id}"[^>]*aria-invalid="true"`).test(html);
    expect({
      statuses: [link.status, blank.status, fileWithBody.status],
      link: [invalid(link.text, 'create-url'), link.text.includes('URL (links and videos) is required for a link'), link.text.includes('value="Fire code"'), invalid(link.text, 'create-title')],
      blank: [invalid(blank.text, 'create-type'), invalid(blank.text, 'create-title'), invalid(blank.text, 'create-review'), blank.text.includes('Review every (days) must be a whole number')],
      fileWithBody: [invalid(fileWithBody.text, 'create-body'), fileWithBody.text.includes('Body is only for pages, not a file')],
      written: await t.db('content_items').count({ n: '*' }).first(),
    }).to.deep.equal({
      statuses: [400, 400, 400],
      link: [true, true, true, false],
      blank: [true, true, true, true],
      fileWithBody: [true, true],
      written: before,
    });
  });

  it('runs the review on the item page: self-approval refused on the form, approval needs the box ticked, a rejection shows its reason, a stale form its problem', async () => {
    const { t } = w;
    const id = await createPage('Evacuation', 'Know the exits.');
    const author = await signedIn(t, 'author', ['content-author']);
    expect((await post(t, manager, `/admin/content/${id}/submit`)).status).to.equal(303);
    const own = await post(t, manager, `/admin/content/${id}/approve`, { reviewed: 'yes' });
    const unticked = await post(t, approver, `/admin/content/${id}/approve`);
    const noReason = await post(t, approver, `/admin/content/${id}/reject`, { reason: '  ' });
    const rejected = await post(t, approver, `/admin/content/${id}/reject`, { reason: 'Add the assembly point.' });
    const page = (await get(t, manager, `/admin/content/${id}?done=rejected`)).text;
    const stale = await post(t, approver, `/admin/content/${id}/approve`, { reviewed: 'yes' });
    const [authorView, approverView] = [(await get(t, author, `/admin/content/${id}`)).text, (await get(t, approver, `/admin/content/${id}`)).text];
    const learner = await signedIn(t, 'nosy');
    expect({
      own: [own.status, own.text.includes('You submitted this version: another approver must approve it')],
      unticked: [unticked.status, /<input id="approve-reviewed"[^>]*aria-invalid="true"/.test(unticked.text), unticked.text.includes('The box must be ticked to publish')],
      noReason: [noReason.status, /<textarea id="reject-reason"[^>]*aria-invalid="true"/.test(noReason.text)],
      rejected: rejected.headers.location,
      page: [page.includes('Sent back to draft with your reason.'), page.includes('Version 1 was sent back'), page.includes('Reason: Add the assembly point.'), page.includes('<span class="badge">Draft</span>')],
      stale: [stale.status, stale.text.includes(`content ${id} is not in review (it is a draft)`)],
      author: [authorView.includes(`action="/admin/content/${id}/submit"`), authorView.includes(`action="/admin/content/${id}/approve"`)],
      approver: [approverView.includes(`action="/admin/content/${id}"`), approverView.includes(`action="/admin/content/${id}/submit"`)],
      learner: [(await get(t, learner, `/admin/content/${id}`)).status, (await get(t, learner, '/admin/content')).status, (await post(t, learner, '/admin/content', { ...createForm, title: 'Mine', body: 'x' })).status],
      managerNav: [...((await get(t, manager, '/')).text.match(/<nav class="site-nav"[\s\S]*?<\/nav>/)?.[0] ?? '').matchAll(/href="(\/admin\/(?:content|objectives)[^"]*)"/g)].map((m) => m[1]),
    }).to.deep.equal({
      own: [403, true],
      unticked: [400, true, true],
      noReason: [400, true],
      rejected: `/admin/content/${id}?done=rejected`,
      page: [true, true, true, true],
      stale: [409, true],
      author: [true, false],
      approver: [false, false],
      learner: [403, 403, 403],
      managerNav: ['/admin/content', '/admin/content/review', '/admin/objectives'],
    });
  });

  it('lists versions with their notes, restores one as a new draft, and shows the line diff of two with +/− and words', async () => {
    const { t } = w;
    const id = await createPage('Exits', 'Line one\nLine two');
    const edited = await post(t, manager, `/admin/content/${id}`, { title: 'Exits', body: 'Line one\nLine 2\nLine three', note: 'Clearer', reviewEveryDays: '', completeWhen: 'done' });
    const diff = (await get(t, manager, `/admin/content/${id}/diff?from=1&to=2`)).text;
    const rows = [...diff.matchAll(/<tr class="diff__line diff__line--(\w+)">\s*<td>(.*?)<\/td>\s*<td class="diff__text">(.*?)<\/td>/g)]
      .map((m) => [m[1], m[2].replace(/<[^>]+>/g, ''), m[3]]);
    const same = await get(t, manager, `/admin/content/${id}/diff?from=2&to=2`);
    const restored = await post(t, manager, `/admin/content/${id}/versions/1/restore`);
    const versions = (await get(t, manager, `/admin/content/${id}/versions`)).text;
    const item = await expectOk<{ version: number; completeWhen: string; latest: { body: string; restoredFrom: number } }>(w.manager.get(`/api/v1/content/${id}`), 200);
    expect({
      edited: edited.headers.location,
      rows,
      summary: diff.includes('Lines added: 2. Lines removed: 1.'),
      same: [same.status, /<select id="compare-to"[^>]*aria-invalid="true"/.test(same.text), same.text.includes('Compare two different versions.')],
      restored: restored.headers.location,
      versions: [
        /<th scope="row">3<\/th>\s*<td>Exits<\/td>\s*<td>User [0-9]+<\/td>\s*<td>Restored from version 1 <span class="muted">\(restored from version 1\)<\/span><\/td>/.test(versions),
        versions.includes('<td>Clearer'), versions.includes(`action="/admin/content/${id}/versions/2/restore"`),
      ],
      item: [item.version, item.completeWhen, item.latest.body, item.latest.restoredFrom],
    }).to.deep.equal({
      edited: `/admin/content/${id}?done=saved`,
      rows: [
        ['same', 'Unchanged', '# Exits'], ['same', 'Unchanged', ''], ['same', 'Unchanged', 'Line one'],
        ['remove', '− Removed', 'Line two'], ['add', '+ Added', 'Line 2'], ['add', '+ Added', 'Line three'],
      ],
      summary: true,
      same: [400, true, true],
      restored: `/admin/content/${id}?done=restored`,
      versions: [true, true, true],
      item: [3, 'done', 'Line one\nLine two', 1],
    });
  });

  it('creates objectives with the form, shows an uncovered one as such, and its coverage once published content covers it', async () => {
    const { t } = w;
    const objective = { code: 'SAF-1', title: 'Know the exits', description: '' };
    const created = await post(t, manager, '/admin/objectives', objective);
    const id = redirectedTo(created, '/admin/objectives');
    const uncoveredPage = (await get(t, manager, `/admin/objectives/${id}?done=created`)).text;
    const uncoveredList = (await get(t, manager, '/admin/objectives?uncovered=true')).text;
    const taken = await post(t, manager, '/admin/objectives', { ...objective, code: 'saf-1' });
    const badCode = await post(t, manager, '/admin/objectives', { ...objective, code: 'no spaces' });
    const pageId = await createPage('Exit routes', 'Follow the green signs.', { objectiveIds: id });
    await post(t, manager, `/admin/content/${pageId}/submit`);
    await post(t, approver, `/admin/content/${pageId}/approve`, { reviewed: 'yes' });
    const course = await courseWith(w, [pageId], 'OBJ-1');
    const coveredPage = (await get(t, manager, `/admin/objectives/${id}`)).text;
    expect({
      uncoveredPage: [uncoveredPage.includes('The objective is created.'), uncoveredPage.includes('Nothing covers this objective')],
      uncoveredList: [uncoveredList.includes(`<a href="/admin/objectives/${id}">SAF-1</a>`), uncoveredList.includes('<span class="badge badge--alert">Uncovered</span>')],
      taken: [taken.status, /<input id="create-code"[^>]*aria-invalid="true"/.test(taken.text), taken.text.includes('an objective with code &quot;saf-1&quot; already exists')],
      badCode: [badCode.status, badCode.text.includes('Code must start with a letter or digit')],
      coveredPage: [
        coveredPage.includes('Nothing covers this objective'), coveredPage.includes(`<a href="/admin/content/${pageId}">Exit routes</a>`),
        coveredPage.includes(`<a href="/admin/courses/${course.id}">Course OBJ-1</a>`),
      ],
      coveredList: (await get(t, manager, '/admin/objectives?uncovered=true')).text.includes(`/admin/objectives/${id}"`),
    }).to.deep.equal({
      uncoveredPage: [true, true],
      uncoveredList: [true, true],
      taken: [409, true, true],
      badCode: [400, true],
      coveredPage: [false, true, true],
      coveredList: false,
    });
  });

  it('shows a learner a hosted video in its embedded player (the policy lets in its frame), a link, and "Mark as done"; strangers get the error page', async () => {
    const { t } = w;
    const video = await published(w, { type: 'video', title: 'Fire drill', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' });
    const link = await published(w, { type: 'link', title: 'Fire code', url: 'https://example.com/code?a=1&b=2' });
    const course = await courseWith(w, [video.id, link.id], 'VIEW-1');
    const other = await courseWith(w, [link.id], 'VIEW-2');
    const [videoItem, linkItem] = course.items;
    const view = (item: string) => `/courses/${course.id}/items/${item}/view`;
    const videoPage = await w.learner.get(view(videoItem));
    const linkPage = await w.learner.get(view(linkItem));
    const corePolicy = linkPage.headers['content-security-policy'];
    const done = await w.learner.post(`/courses/${course.id}/items/${videoItem}/done`).type('form').send({});
    const afterDone = (await w.learner.get(String(done.headers.location))).text;
    const stranger = await t.persona('stranger');
    const [notEnrolled, wrongCourse] = [await stranger.get(view(videoItem)).set('Accept', 'text/html'), await w.learner.get(`/courses/${other.id}/items/${videoItem}/view`).set('Accept', 'text/html')];
    expect({
      iframe: /<iframe class="content-embed" src="https:\/\/www\.youtube-nocookie\.com\/embed\/dQw4w9WgXcQ" title="Video: Fire drill"/.test(videoPage.text),
      policy: videoPage.headers['content-security-policy'],
      markDone: videoPage.text.includes(`action="/courses/${course.id}/items/${videoItem}/done"`),
      link: [linkPage.text.includes('<a href="https://example.com/code?a&#x3D;1&amp;b&#x3D;2" rel="noopener noreferrer">Open Fire code</a>'), linkPage.text.includes('/done"'), linkPage.text.includes('Completed')],
      done: [done.status, done.headers.location, afterDone.includes('Marked as done.'), afterDone.includes('Completed'), afterDone.includes('/done"')],
      errors: [notEnrolled.status, /text\/html/.test(notEnrolled.headers['content-type']), wrongCourse.status, /text\/html/.test(wrongCourse.headers['content-type'])],
    }).to.deep.equal({
      iframe: true,
      policy: `${corePolicy}; frame-src https://www.youtube-nocookie.com https://player.vimeo.com`,
      markDone: true,
      link: [true, false, true],
      done: [303, `/courses/${course.id}/items/${videoItem}/view?done=done`, true, true, false],
      errors: [403, true, 404, true],
    });
    expect(corePolicy).to.equal("default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
  });

  it('plays an uploaded video with the player script, which reports the share watched with the session\'s CSRF token', async () => {
    const { t } = w;
    const id = redirectedTo(await post(t, manager, '/admin/content', { ...createForm, type: 'video', title: 'Extinguishers' }), '/admin/content');
    expect((await uploadForm(t, manager, id, MP4, 'extinguishers.mp4', 'video/mp4')).status).to.equal(303);
    await post(t, manager, `/admin/content/${id}/submit`);
    await post(t, approver, `/admin/content/${id}/approve`, { reviewed: 'yes' });
    const learner = await signedIn(t, 'watcher');
    const course = await courseWith(w, [id], 'VIEW-3');
    await expectOk(w.manager.post(`/api/v1/courses/${course.id}/enrollments`).send({ userId: learner.id }), 201);
    const page = (await get(t, learner, `/courses/${course.id}/items/${course.items[0]}/view`)).text;
    const player = /<video id="content-video"[^>]*>/.exec(page)?.[0] ?? '';
    const watchedUrl = /data-watched-url="([^"]+)"/.exec(player)?.[1] as string;
    const csrf = /data-csrf="([^"]+)"/.exec(player)?.[1] as string;
    const withoutToken = await t.post(watchedUrl).set('Cookie', learner.cookie).send({ percent: 95 });
    const watched = await t.post(watchedUrl).set('Cookie', learner.cookie).set('X-CSRF-Token', csrf).send({ percent: 95 });
    const script = await t.get('/assets/content/player.js');
    expect({
      src: player.includes(`src="/api/v1/courses/${course.id}/items/${course.items[0]}/file"`),
      watchedUrl, csrf: csrf === learner.csrf,
      script: [/<script src="\/assets\/content\/player\.js\?v=[0-9a-f]{10}" defer><\/script>/.test(page), script.status, /javascript/.test(script.headers['content-type'])],
      rule: page.includes('This item is complete once you have watched 90% of the video.'),
      withoutToken: withoutToken.status,
      watched: [watched.status, watched.body.watchedPercent, typeof watched.body.completedAt],
    }).to.deep.equal({
      src: true,
      watchedUrl: `/api/v1/courses/${course.id}/items/${course.items[0]}/watched`, csrf: true,
      script: [true, 200, true],
      rule: true,
      withoutToken: 403,
      watched: [200, 95, 'string'],
    });
  });
});
