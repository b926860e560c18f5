// The maintenance plugin's admin pages through a real app: system status, plugins (enable and disable,
// a dependency's 409 shown on the page), settings forms generated from a plugin's schema (a mistake beside
// its field and nothing saved; a good change saved and audited), and the audit log viewer with its CSV
// download equal to the JSON records. Each page answers its holder and refuses a learner, and labels
// every field.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { createTestApp, definePlugin, Type, type Persona, type TestApp } from 'lectern';
import { eventually, onPostgres, onRedis } from '../../core/helpers';

/** A plugin with one setting of each kind the form generates. */
const tuning = definePlugin({
  name: 'tuning', version: '1.0.0', core: '^1.0.0',
  settings: Type.Object({
    batchSize: Type.Integer({ minimum: 1, maximum: 10, default: 5, description: 'Rows per batch.' }),
    verbose: Type.Boolean({ default: false, description: 'Log every row.' }),
    mode: Type.Union([Type.Literal('fast'), Type.Literal('careful')], { default: 'fast', description: 'How to go about it.' }),
    label: Type.String({ maxLength: 20, default: 'Tuned', description: 'Shown in the header.' }),
    hosts: Type.Array(Type.String({ pattern: '^[a-z.]+$' }), { default: ['a.example'], description: 'Hosts to ask.' }),
  }, { additionalProperties: false }),
});

const PAGES = ['/admin/system', '/admin/plugins', '/admin/settings', '/admin/settings/tuning', '/admin/settings/hello', '/admin/jobs', '/admin/audit'];

describe('maintenance: the admin pages', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Persona;
  let learner: Persona;
  /** The page's text, whitespace collapsed and Handlebars' entities for quotes and "=" read back. */
  const text = (res: { text: string }) => res.text.replace(/\s+/g, ' ').replace(/&quot;/g, '"').replace(/&#x3D;/g, '=');
  const invalid = (html: string, id: string) => new RegExp(`<(input|select|textarea) id="${id}"[^>]*aria-invalid="true"`).test(html);
  const unlabelled = (html: string) => [...html.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)].map((m) => m[1]).filter((id) => !html.includes(`<label for="${id}">`));
  const audits = async (action: string) => t.db('core_audit').where({ action }).orderBy('id').select('actor_id', 'target_id', 'details');

  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'courses', 'content', 'hello-plugin', 'maintenance', tuning] });
    admin = await t.persona('Ada Admin', 'admin');
    learner = await t.persona('Lee Learner', 'learner');
  });
  after(() => t?.close());

  it('answers every page to an administrator, labels every field, and refuses a learner', async () => {
    const seen: Record<string, [number, string[], number]> = {};
    for (const url of PAGES) {
      const [own, refused] = await Promise.all([admin.get(url).set('Accept', 'text/html'), learner.get(url).set('Accept', 'text/html')]);
      seen[url] = [own.status, unlabelled(own.text), refused.status];
    }
    expect(seen).to.deep.equal(Object.fromEntries(PAGES.map((url) => [url, [200, [], 403]])));
  });

  it('lists the admin pages in the navigation of those who may see them', async () => {
    const [own, learners] = await Promise.all([admin.get('/admin/system'), learner.get('/')]);
    const links = ['/admin/system', '/admin/plugins', '/admin/settings', '/admin/jobs', '/admin/audit'];
    expect(links.filter((l) => own.text.includes(`href="${l}"`))).to.deep.equal(links);
    expect(links.filter((l) => learners.text.includes(`href="${l}"`))).to.deep.equal([]);
  });

  it('shows the system status, and the status API gives uptime and memory', async () => {
    const [page, api] = await Promise.all([admin.get('/admin/system'), admin.get('/api/v1/system/status')]);
    const html = text(page);
    expect({
      db: html.includes(`<dd>${onPostgres ? 'postgres' : 'pglite'}</dd>`),
      queue: html.includes(onRedis ? 'bullmq, jobs kept in redis' : `inline, jobs kept in ${onPostgres ? 'postgres' : 'pglite'}`),
      upToDate: html.includes('None: the database is up to date.'),
      plugin: html.includes('<td>tuning</td><td>1.0.0</td>'),
      maintenance: html.includes('<dt>Maintenance mode</dt><dd>Off</dd>'),
      memory: /<dd>[\d.]+ (KB|MB|GB) resident/.test(html),
    }).to.deep.equal({ db: true, queue: true, upToDate: true, plugin: true, maintenance: true, memory: true });
    expect(api.body.uptimeSeconds).to.be.a('number').above(0);
    expect(api.body.memory.rssBytes).to.be.above(api.body.memory.heapUsedBytes - 1).and.above(0);
  });

  it('disables and enables a plugin from the plugins page; disabling one another depends on shows the 409 and changes nothing', async () => {
    const blocked = await admin.post('/admin/plugins/courses/disable').type('form').send({});
    const stillOn = (await admin.get('/api/v1/plugins')).body.items.find((p: { name: string }) => p.name === 'courses').enabled;
    const off = await admin.post('/admin/plugins/hello/disable').type('form').send({});
    const gone = await admin.get('/hello');
    const listed = text(await admin.get(off.headers.location));
    const on = await admin.post('/admin/plugins/hello/enable').type('form').send({});
    await eventually(async () => (await admin.get('/hello')).status === 200);
    const back = await admin.get('/hello');
    expect({
      blocked: [blocked.status, text(blocked).includes('"content" depends on plugin "courses"; disable it first'), stillOn],
      off: [off.status, off.headers.location, gone.status, listed.includes('The plugin is disabled on every instance')],
      on: [on.status, back.status],
      audited: (await audits('plugins.disable')).map((a) => [a.actor_id, a.target_id]),
      refused: (await learner.post('/admin/plugins/hello/disable').type('form').send({})).status,
    }).to.deep.equal({
      blocked: [409, true, true],
      off: [303, '/admin/plugins?done=disabled', 404, true],
      on: [303, 200],
      audited: [[admin.id, 'hello']],
      refused: 403,
    });
  });

  it('generates the settings form from the schema: each kind of field with its current value and hint', async () => {
    const html = text(await admin.get('/admin/settings/tuning'));
    const list = text(await admin.get('/admin/settings'));
    expect({
      number: html.includes('<input id="setting-batchSize" name="batchSize" type="number" value="5" step="1" min="1" max="10"'),
      checkbox: /<input id="setting-verbose" type="checkbox" name="verbose" value="true"\s*aria-describedby/.test(html),
      select: html.includes('<option value="fast" selected>fast</option>') && html.includes('<option value="careful">careful</option>'),
      text: html.includes('<input id="setting-label" name="label" type="text" value="Tuned" maxlength="20"'),
      lines: html.includes('<textarea id="setting-hosts" name="hosts" rows="6" aria-describedby="setting-hosts-hint">a.example</textarea>'),
      hint: html.includes('<p class="field__hint" id="setting-batchSize-hint">Rows per batch.</p>'),
      listed: ['tuning', 'hello', 'maintenance', 'auth'].every((p) => list.includes(`href="/admin/settings/${p}"`)),
      noSettings: (await admin.get('/admin/settings/nothing')).status,
    }).to.deep.equal({ number: true, checkbox: true, select: true, text: true, lines: true, hint: true, listed: true, noSettings: 404 });
  });

  it('shows each bad setting beside its field and saves nothing; a good change is saved and audited by its keys', async () => {
    const good = { batchSize: '5', mode: 'fast', label: 'Tuned', hosts: 'a.example' };
    const bad = await admin.post('/admin/settings/tuning').type('form')
      .send({ batchSize: '11', verbose: 'true', mode: 'reckless', label: 'x'.repeat(21), hosts: 'a.example\nNOT A HOST' });
    const html = text(bad);
    const afterBad = await admin.get('/api/v1/settings/tuning');
    const saved = await admin.post('/admin/settings/tuning').type('form').send({ ...good, batchSize: '8', verbose: 'true', hosts: 'a.example\nb.example' });
    const afterGood = await admin.get('/api/v1/settings/tuning');
    const unticked = await admin.post('/admin/settings/tuning').type('form').send({ ...good, batchSize: '8', hosts: 'a.example\nb.example' });
    const hello = await admin.post('/admin/settings/hello').type('form').send({ greeting: '' });
    expect({
      bad: [bad.status, ['batchSize', 'mode', 'label', 'hosts'].map((f) => invalid(html, `setting-${f}`)), invalid(html, 'setting-verbose'),
        html.includes('Batch size must be &lt;= 10'), html.includes('(item 2) must match pattern'), html.includes('value="11"'), unlabelled(html)],
      afterBad: afterBad.body,
      saved: [saved.status, saved.headers.location, afterGood.body],
      unticked: [unticked.status, (await admin.get('/api/v1/settings/tuning')).body.verbose],
      hello: [hello.status, invalid(text(hello), 'setting-greeting'), (await admin.get('/api/v1/settings/hello')).body.greeting],
      audited: (await audits('settings.update')).map((a) => [a.actor_id, a.target_id, a.details]),
    }).to.deep.equal({
      bad: [400, [true, true, true, true], false, true, true, true, []],
      afterBad: { batchSize: 5, verbose: false, mode: 'fast', label: 'Tuned', hosts: ['a.example'] },
      saved: [303, '/admin/settings/tuning?done=saved', { batchSize: 8, verbose: true, mode: 'fast', label: 'Tuned', hosts: ['a.example', 'b.example'] }],
      unticked: [303, false],
      hello: [400, true, 'Hello from Lectern'],
      audited: [[admin.id, 'tuning', { changed: ['batchSize', 'verbose', 'hosts'] }], [admin.id, 'tuning', { changed: ['verbose'] }]],
    });
  });

  it('filters the audit log (an action prefix, the maintenance log), and its CSV holds exactly the JSON records', async () => {
    const maintenanceLog = text(await admin.get('/admin/audit?action=maintenance.,plugins.,settings.,jobs.'));
    const prefixed = (await admin.get('/api/v1/audit?action=settings.')).body.items.map((r: { action: string }) => r.action);
    const json = (await admin.get(`/api/v1/audit?actorId=${admin.id}&limit=200`)).body.items as Record<string, unknown>[];
    const csv = await admin.get(`/api/v1/audit?actorId=${admin.id}&format=csv`).buffer(true);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    const asCsv = json.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'details' ? JSON.stringify(v) : v ?? ''])));
    const filtered = text(await admin.get('/admin/audit?action=plugins.enable&targetType=plugin&targetId=hello&since=2000-01-01&until=2999-12-31'));
    expect({
      maintenanceLog: [maintenanceLog.includes('<h1>Maintenance log</h1>'), maintenanceLog.includes('<code>plugins.disable</code>'), maintenanceLog.includes('<code>settings.update</code>')],
      prefixed: [...new Set(prefixed)],
      csv: [csv.status, csv.headers['content-type'], rows.length > 3, rows],
      filtered: [filtered.includes('<code>plugins.enable</code>'), filtered.includes('<code>plugins.disable</code>'), filtered.includes('href="/api/v1/audit?action=plugins.enable&amp;targetType=plugin&amp;targetId=hello&amp;since=2000-01-01T00%3A00%3A00.000Z')],
      badDate: (await admin.get('/admin/audit?since=2024-13-45')).status,
    }).to.deep.equal({
      maintenanceLog: [true, true, true],
      prefixed: ['settings.update'],
      csv: [200, 'text/csv; charset=utf-8', true, asCsv],
      filtered: [true, false, true],
      badDate: 400,
    });
  });
});
