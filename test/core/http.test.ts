// The HTTP contract every route shares: validation listing every bad field as problem+json, media
// types and size limits, authentication and permission answers, request ids, and the OpenAPI document.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';

describe('HTTP routes', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ plugins: ['hello-plugin'], config: { bodyLimitBytes: 2048 } });
    await t.grant('writer', 'instructor');
  });
  after(() => t.close());

  it('answers 400 problem+json listing every bad field, before the handler runs', async () => {
    const res = await t.as('writer').post('/api/v1/hello/greetings').send({ message: '', mood: 'happy' });
    expect(res.status).to.equal(400);
    expect(res.type).to.equal('application/problem+json');
    expect(res.body).to.deep.include({ type: 'urn:lectern:problem:invalid-input', title: 'Invalid input', status: 400 });
    expect(res.body.errors).to.have.deep.members([
      { path: 'body.message', message: 'must NOT have fewer than 1 characters' },
      { path: 'body.mood', message: 'is not allowed' },
    ]);
    const params = await t.as('writer').get('/api/v1/hello/greetings/abc');
    expect(params.status).to.equal(400);
    expect(params.body.errors).to.deep.equal([{ path: 'params.id', message: 'must match pattern "^[0-9]{1,18}$"' }]);
    expect(await t.db('hello_greetings').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });

  it('refuses NUL bytes, wrong media types, oversized and malformed bodies with clear 4xx', async () => {
    const nul = await t.as('writer').post('/api/v1/hello/greetings').send({ message: 'a\u0000b' });
    expect(nul.status).to.equal(400);
    expect(nul.body.errors).to.deep.equal([{ path: 'body.message', message: 'must not contain NUL bytes' }]);
    const text = await t.as('writer').post('/api/v1/hello/greetings').set('content-type', 'text/plain').send('hello');
    expect([text.status, text.body.type]).to.deep.equal([415, 'urn:lectern:problem:unsupported-media-type']);
    const big = await t.as('writer').post('/api/v1/hello/greetings').send({ message: 'x'.repeat(5000) });
    expect([big.status, big.body.type]).to.deep.equal([413, 'urn:lectern:problem:too-large']);
    const broken = await t.as('writer').post('/api/v1/hello/greetings').set('content-type', 'application/json').send('{"message":');
    expect([broken.status, broken.body.detail]).to.deep.equal([400, 'The body is not valid JSON.']);
  });

  it('answers 401 without a caller, 403 without the permission, 404 and 405 as problem+json', async () => {
    expect((await t.get('/api/v1/hello/greetings/1')).status).to.equal(401);
    const denied = await t.as('stranger').get('/api/v1/hello/greetings/1');
    expect([denied.status, denied.body.type]).to.deep.equal([403, 'urn:lectern:problem:forbidden']);
    const missing = await t.as('writer').get('/api/v1/hello/greetings/999');
    expect([missing.status, missing.body.detail]).to.deep.equal([404, 'greeting 999 does not exist']);
    const nowhere = await t.get('/api/v1/nowhere');
    expect([nowhere.status, nowhere.type]).to.deep.equal([404, 'application/problem+json']);
    const wrongMethod = await t.put('/healthz');
    expect([wrongMethod.status, wrongMethod.type]).to.deep.equal([405, 'application/problem+json']);
  });

  it('shows browsers a themed error page, and echoes request ids', async () => {
    const page = await t.get('/no/such/page').set('accept', 'text/html');
    expect(page.status).to.equal(404);
    expect(page.text).to.contain('<html lang="en">').and.to.contain('Not found');
    const res = await t.get('/healthz').set('x-request-id', 'trace-123');
    expect(res.headers['x-request-id']).to.equal('trace-123');
    expect(res.body).to.deep.equal({ status: 'ok' });
  });

  it('publishes OpenAPI 3.1 generated from the route schemas', async () => {
    const { body } = await t.get('/api/v1/openapi.json');
    expect(body.openapi).to.equal('3.1.0');
    const op = body.paths['/api/v1/hello/greetings/{id}'].get;
    expect(op['x-permission']).to.equal('hello:read');
    expect(op.parameters).to.deep.equal([{ name: 'id', in: 'path', required: true, schema: { pattern: '^[0-9]{1,18}$', type: 'string' } }]);
    expect(body.paths['/api/v1/hello/greetings'].post.requestBody.content['application/json'].schema.required).to.deep.equal(['message']);
    expect(body.paths['/api/v1/plugins'].get['x-permission']).to.equal('system:plugins');
  });

  it('reports readiness of the database and the queue', async () => {
    const res = await t.get('/readyz');
    expect([res.status, res.body]).to.deep.equal([200, { db: 'ok', queue: 'ok' }]);
  });
});
