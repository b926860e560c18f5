// The whole path through a real browser: an admin signs in, creates a learner and a course from a
// template, publishes it and enrolls the learner; the learner completes every item; the admin sees the
// completion in the report, then switches the theme to contrast. Every page visited must pass axe-core
// (WCAG 2 A/AA, no serious or critical violation) in both themes. Run with `npm run test:e2e`.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { artifacts, createAccount, csrfOf, launchBrowser, root, screenshot, seriousViolations, startServer, type Server } from './harness';

const ADMIN = { email: 'admin@example.test', name: 'Ada Admin', password: 'Tall-Violet-Harbour-2031' };
const LEARNER = { email: 'lena@example.test', name: 'Lena Learner', password: 'Quiet-Orange-Meadow-7788' };
const TEMPLATE = 'Onboarding template';

type Role = 'admin' | 'learner';

describe('e2e: admin and learner through the browser, accessible in both themes', () => {
  let server: Server;
  let browser: Browser;
  const contexts: Partial<Record<Role, BrowserContext>> = {};
  const pages: Partial<Record<Role, Page>> = {};
  const visited: Record<Role, string[]> = { admin: [], learner: [] };
  const violations: string[] = [];
  let courseId = '';

  const pageOf = (role: Role): Page => {
    const p = pages[role];
    if (!p) throw new Error(`${role} has no page yet`);
    return p;
  };
  /** Records the page the role is on, checks it with axe and screenshots it. */
  const check = async (role: Role, step: string): Promise<void> => {
    const page = pageOf(role);
    const url = new URL(page.url());
    const where = url.pathname + url.search;
    if (!visited[role].includes(where)) visited[role].push(where);
    violations.push(...await seriousViolations(page, `${role} ${where}`));
    await screenshot(page, `${role}-${step}`);
  };
  const goto = async (role: Role, where: string, step: string): Promise<void> => {
    const res = await pageOf(role).goto(server.url + where);
    expect(res?.status(), `${role} GET ${where}`).to.equal(200);
    await check(role, step);
  };
  /** A JSON API call in the role's browser session, with its CSRF token. */
  const api = async (role: Role, method: string, where: string, data?: unknown): Promise<Record<string, unknown>> => {
    const page = pageOf(role);
    const res = await page.request.fetch(server.url + where, {
      method, data: data === undefined ? undefined : data, headers: { 'x-csrf-token': await csrfOf(page), accept: 'application/json' },
    });
    const text = await res.text();
    expect(res.ok(), `${method} ${where} answered ${res.status()}: ${text}`).to.equal(true);
    return text ? JSON.parse(text) as Record<string, unknown> : {};
  };
  const signIn = async (role: Role, account: { email: string; password: string }): Promise<void> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts[role] = context;
    pages[role] = await context.newPage();
    await goto(role, '/login', 'sign-in');
    const page = pageOf(role);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(new URL(page.url()).pathname, `${role} is signed in`).not.to.equal('/login');
    await check(role, 'signed-in');
  };

  before(async () => {
    fs.rmSync(artifacts, { recursive: true, force: true });
    server = await startServer();
    await createAccount(server.app, { ...ADMIN, role: 'admin' });
    browser = await launchBrowser();
  });

  after(async () => {
    for (const c of Object.values(contexts)) await c?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close();
  });

  it('1. the admin signs in with email and password', async () => {
    await signIn('admin', ADMIN);
    expect(await pageOf('admin').getByText(ADMIN.name).count(), 'the header names the admin').to.be.above(0);
  });

  it('2. the admin creates the learner\'s account on /admin/users', async () => {
    await goto('admin', '/admin/users', 'users');
    const page = pageOf('admin');
    const form = page.locator('form[action="/admin/users"][method="post"]');
    await form.getByLabel('Email', { exact: true }).fill(LEARNER.email);
    await form.getByLabel('Name', { exact: true }).fill(LEARNER.name);
    await form.getByLabel(/^Password/).fill(LEARNER.password);
    await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: 'Create account' }).click()]);
    expect(new URL(page.url()).pathname).to.match(/^\/admin\/users\/\d+$/);
    await check('admin', 'user-created');
    expect(await page.getByText(LEARNER.email).count()).to.be.above(0);
  });

  it('3. the admin creates a course from a template on /admin/courses', async () => {
    // The template: two published pages placed in one section of a course marked as a template.
    await goto('admin', '/admin/courses', 'courses');
    // One admin writes and approves the pages here; the site lets an author approve their own.
    await api('admin', 'PATCH', '/api/v1/settings/content', { allowSelfApproval: true });
    const contentIds: string[] = [];
    for (const title of ['Welcome', 'House rules']) {
      const content = await api('admin', 'POST', '/api/v1/content', { type: 'page', title, body: `# ${title}\n\nRead this page to the end.` });
      await api('admin', 'POST', `/api/v1/content/${String(content.id)}/submit`);
      await api('admin', 'POST', `/api/v1/content/${String(content.id)}/approve`);
      contentIds.push(String(content.id));
    }
    const template = await api('admin', 'POST', '/api/v1/courses', { title: TEMPLATE, code: 'TPL-ONBOARD' });
    const section = await api('admin', 'POST', `/api/v1/courses/${String(template.id)}/sections`, { title: 'First week' });
    for (const id of contentIds) {
      await api('admin', 'POST', `/api/v1/courses/${String(template.id)}/sections/${String(section.id)}/items`, { contentId: `content:${id}`, required: true });
    }
    // It becomes a template in the course editor.
    const page = pageOf('admin');
    await goto('admin', `/admin/courses/${String(template.id)}`, 'template-editor');
    await page.getByLabel(/A template/).check();
    await Promise.all([page.waitForNavigation(), page.locator('#details-template').locator('xpath=ancestor::form').getByRole('button', { name: 'Save' }).click()]);

    await goto('admin', '/admin/courses', 'courses-with-template');
    const form = page.locator('form[action="/admin/courses"][method="post"]');
    await form.getByLabel(/template/i).selectOption({ label: TEMPLATE });
    await form.getByLabel('Title', { exact: true }).fill('Onboarding, spring');
    await form.getByLabel('Code', { exact: true }).fill('ONB-SPRING');
    await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: 'Create course' }).click()]);
    const made = /^\/admin\/courses\/(\d+)$/.exec(new URL(page.url()).pathname);
    expect(made, `the create form did not lead to the new course (at ${page.url()})`).to.not.equal(null);
    courseId = (made as RegExpExecArray)[1];
    await check('admin', 'course-created');
    // The copy carries the template's section and both items.
    expect(await page.getByRole('heading', { name: 'First week', exact: true }).count()).to.equal(1);
    expect(await page.locator('li.editor-item').count()).to.equal(2);
  });

  it('4. the admin publishes the course and enrolls the learner', async () => {
    expect(courseId, 'a course from step 3').to.not.equal('');
    await goto('admin', `/admin/courses/${courseId}`, 'course');
    const page = pageOf('admin');
    const publish = page.getByRole('button', { name: 'Publish' });
    if (await publish.count()) {
      await Promise.all([page.waitForNavigation(), publish.click()]);
      await check('admin', 'course-published');
    }
    expect(await page.locator('.badge--published').count(), 'the course is published').to.be.above(0);

    await goto('admin', `/admin/courses/${courseId}/enrollments`, 'enrollments');
    await page.getByLabel('Email of the account').fill(LEARNER.email);
    await page.getByLabel('Learner', { exact: true }).check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enroll', exact: true }).click()]);
    await check('admin', 'learner-enrolled');
    expect(await page.getByRole('table').getByText(LEARNER.name).count(), 'the learner is listed as enrolled').to.be.above(0);
  });

  it('5. the learner signs in, completes every item and sees the course completed', async () => {
    await signIn('learner', LEARNER);
    await goto('learner', `/courses/${courseId}`, 'course');
    const page = pageOf('learner');
    const links = await page.locator('li.course-item a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(links, 'the learner can open both items').to.have.length(2);
    for (const [n, href] of links.entries()) {
      await goto('learner', href, `item-${n + 1}`);
      const done = page.getByRole('button', { name: /^Mark as done/ });
      if (await done.count()) {
        await Promise.all([page.waitForNavigation(), done.click()]);
        await check('learner', `item-${n + 1}-done`);
      }
    }
    await goto('learner', `/courses/${courseId}`, 'course-after-items');
    for (let left = await page.getByRole('button', { name: /^Mark complete/ }).count(); left > 0; left -= 1) {
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Mark complete/ }).first().click()]);
    }
    await goto('learner', `/courses/${courseId}`, 'course-completed');
    const progress = page.locator('section.course-progress');
    expect(await progress.innerText()).to.match(/2 of 2 required items done \(100%\)/);
    expect(await progress.innerText()).to.match(/Completed/);
  });

  it('6. the admin sees the learner as completed in the course report', async () => {
    await goto('admin', `/reports/courses/${courseId}`, 'course-report');
    const row = pageOf('admin').getByRole('row').filter({ hasText: LEARNER.name });
    expect(await row.count(), 'the learner has a row in the report').to.equal(1);
    expect(await row.innerText()).to.match(/completed/i);
  });

  it('every page visited passes axe-core (WCAG 2 A/AA) in the default theme', () => {
    expect(violations, `serious or critical violations:\n${violations.join('\n')}`).to.deep.equal([]);
  });

  it('7. the admin switches the theme to contrast', async () => {
    const page = pageOf('admin');
    await goto('admin', '/admin/appearance', 'appearance');
    await page.getByRole('radio', { name: /contrast/i }).check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /save/i }).click()]);
    await check('admin', 'appearance-saved');
    // The theme is live at once: the stylesheet every page links is now the contrast theme's.
    const served = await (await page.request.get(`${server.url}/assets/style.css`)).text();
    expect(served, 'GET /assets/style.css serves themes/contrast/assets/style.css')
      .to.equal(fs.readFileSync(path.join(root, 'themes', 'contrast', 'assets', 'style.css'), 'utf8'));
    const settings = await api('admin', 'GET', '/api/v1/settings/core');
    expect(JSON.stringify(settings)).to.match(/"theme":"contrast"/);
  });

  it('every page visited passes axe-core again in the contrast theme, for the admin and the learner', async () => {
    violations.length = 0;
    for (const role of ['admin', 'learner'] as const) {
      for (const where of [...visited[role]]) {
        if (where.startsWith('/login')) continue; // signed in now: /login sends the user on
        await goto(role, where, `contrast-${where === '/' ? 'home' : where}`);
      }
    }
    expect(violations, `serious or critical violations in the contrast theme:\n${violations.join('\n')}`).to.deep.equal([]);
  });
});
