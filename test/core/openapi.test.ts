// The OpenAPI document as a client generator reads it, served by a Lectern with auth, courses and the
// examples: valid OpenAPI 3.1, every API route in it with a summary, its real success statuses and
// schemas, the failures it can answer and who may call it; pages left out.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createTestApp, definePlugin, defineRoute, named, Type, type TestApp } from 'lectern';

/** The document, walked freely: every value is taken to be an object (chai checks what it really is). */
type Json = { [key: string]: Json };

const root = path.resolve(__dirname, '..', '..', '..');
const bundled = ['plugins', 'examples'].flatMap((d) => fs.readdirSync(path.join(root, d))
  .filter((n) => fs.existsSync(path.join(root, d, n, 'index.ts'))));

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Json;
  const op = (method: string, p: string): Json => doc.paths[p][method];
  before(async () => {
    t = await createTestApp({ plugins: bundled });
    const res = await t.get('/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body;
  });
  after(() => t.close());

  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([]);
    expect([result.valid, doc.openapi]).to.deep.equal([true, '3.1.0']);
  });

  it('has every API route, each with a unique operationId, a summary and its success answers; pages are left out', () => {
    const api = t.app.http.mounted.filter((m) => !m.route.html);
    expect(api.length).to.be.above(80);
    const ids = new Set<string>();
    for (const { route } of api) {
      const name = `${route.method} ${route.path}`;
      const found = op(route.method.toLowerCase(), route.path.replace(/:(\w+)/g, '{$1}'));
      expect(found, name).to.be.an('object');
      expect(found.summary, name).to.be.a('string').and.not.equal('');
      expect(Object.keys(found.responses).filter((s) => Number(s) < 400), name).to.not.be.empty;
      ids.add(String(found.operationId));
    }
    expect(ids.size).to.equal(api.length);
    const pages = t.app.http.mounted.filter((m) => m.route.html).map((m) => m.route.path.replace(/:(\w+)/g, '{$1}'));
    expect(pages).to.include.members(['/login', '/courses/{id}', '/admin/users']);
    expect(pages.filter((p) => doc.paths[p])).to.deep.equal([]);
  });

  it('answers with the real statuses: 201 with the created resource, 202 with the job and Location, 204 without a body', () => {
    const created = op('post', '/api/v1/courses').responses;
    expect(Object.keys(created)).to.include('201').and.not.include('200');
    expect(created[201].content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/Course' });
    const accepted = op('post', '/api/v1/users/import').responses[202];
    expect(accepted.content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/JobAccepted' });
    expect(accepted.headers.Location.schema).to.deep.equal({ type: 'string' });
    expect(doc.components.schemas.JobAccepted.properties.job.required).to.deep.equal(['id', 'state']);
    expect(op('delete', '/api/v1/courses/{id}').responses[204]).to.deep.equal({ description: 'No content' });
    expect(Object.keys(op('post', '/api/v1/courses/{id}/enrollments').responses)).to.include.members(['200', '201']);
    expect(op('get', '/readyz').responses[503].content['application/json'].schema.required).to.deep.equal(['db', 'queue']);
  });

  it('gives other media their type: CSV uploads in, PDF out', () => {
    expect(Object.keys(op('post', '/api/v1/courses/{id}/enrollments/import').requestBody.content)).to.deep.equal(['text/csv']);
    expect(Object.keys(op('get', '/api/v1/certificates/{id}/pdf').responses[200].content)).to.deep.equal(['application/pdf']);
  });

  it('lists the failures a route can answer, as problem+json', () => {
    const codes = (method: string, p: string) => Object.keys(op(method, p).responses).filter((s) => Number(s) >= 400);
    expect(codes('post', '/api/v1/auth/login')).to.deep.equal(['400', '401', '404', '413', '415', '429']);
    expect(codes('get', '/api/v1/me')).to.deep.equal(['401', '404']);
    expect(codes('post', '/api/v1/users/import')).to.deep.equal(['400', '401', '403', '404', '408', '413', '415']);
    expect(codes('get', '/healthz')).to.deep.equal([]);
    expect(codes('get', '/api/v1/certificates/{id}/pdf')).to.deep.equal(['400', '401', '404', '409', '410']);
    expect(doc.components.responses.RateLimited.headers['Retry-After']).to.be.an('object');
    expect(doc.components.responses.NotFound.content['application/problem+json'].schema).to.deep.equal({ $ref: '#/components/schemas/Problem' });
  });

  it('says who may call each operation: public ones need no credentials', () => {
    expect(op('get', '/healthz').security).to.deep.equal([]);
    expect(op('post', '/api/v1/auth/login').security).to.deep.equal([]);
    expect(op('get', '/api/v1/certificates/verify/{code}').security).to.deep.equal([]);
    expect(op('get', '/api/v1/me').security).to.deep.equal([{ bearer: [] }, { session: [] }]);
    expect(doc.components.securitySchemes.session).to.deep.include({ type: 'apiKey', in: 'cookie' });
  });

  it('marks optional the query parameters a default fills in, and leaves out the core\'s own keywords', () => {
    const parameters = (method: string, p: string) => op(method, p).parameters as unknown as Json[];
    const query = (method: string, p: string) => Object.fromEntries(parameters(method, p).filter((x) => String(x.in) === 'query').map((x) => [x.name, x.required]));
    expect(query('get', '/api/v1/users')).to.deep.equal({ q: false, status: false, role: false, cohortId: false, limit: false, cursor: false });
    expect(query('post', '/api/v1/users/import')).to.deep.equal({ invite: false });
    const cursor = parameters('get', '/api/v1/courses').find((x) => String(x.name) === 'cursor');
    expect(cursor?.schema).to.deep.equal({ type: 'string', maxLength: 600, description: 'The nextCursor of the previous page' });
    expect(JSON.stringify(doc)).to.not.include('x-lectern-');
  });

  it('names shared schemas once, under components', () => {
    expect(doc.components.schemas).to.include.keys('User', 'Course', 'Enrollment', 'Section', 'Item', 'Job', 'Certificate', 'Greeting', 'Problem');
    expect(op('get', '/api/v1/users').responses[200].content['application/json'].schema.properties.items.items)
      .to.deep.equal({ $ref: '#/components/schemas/User' });
    expect(doc.components.schemas.Section.properties.items.items).to.deep.equal({ $ref: '#/components/schemas/Item' });
  });

  it('keeps two plugins\' different schemas of the same name apart', async () => {
    const thing = (plugin: string, schema: ReturnType<typeof Type.Object>) => definePlugin({
      name: plugin, version: '1.0.0', core: '^1.0.0',
      routes: [defineRoute({
        method: 'GET', path: `/api/v1/${plugin}/thing`, public: true, summary: 'A thing', responses: { 200: named('Thing', schema) },
        handler: async () => ({}),
      })],
    });
    const two = await createTestApp({ plugins: [thing('one', Type.Object({ a: Type.String() })), thing('two', Type.Object({ b: Type.Integer() }))] });
    try {
      const { body } = await two.get('/api/v1/openapi.json');
      const ref = (plugin: string) => body.paths[`/api/v1/${plugin}/thing`].get.responses[200].content['application/json'].schema.$ref;
      expect([ref('one'), ref('two')]).to.deep.equal(['#/components/schemas/Thing', '#/components/schemas/Thing2']);
      expect(body.components.schemas.Thing2.required).to.deep.equal(['b']);
    } finally {
      await two.close();
    }
  });
});
