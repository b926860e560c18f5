// Test apps check every answer of an API route against what the route declares, so the whole suite
// checks the OpenAPI document against real answers: a fixture plugin whose routes answer something
// else than they say gets a 500 naming the mismatch, and the same app with the check off (as in
// production) answers as the handler said.
import { expect } from 'chai';
import { badRequest, conflict, createTestApp, definePlugin, defineRoute, reply, Reply, Type, type TestApp } from 'lectern';

const Thing = Type.Object({ id: Type.String(), size: Type.Integer() });

const liar = definePlugin({
  name: 'liar', version: '1.0.0', core: '^1.0.0',
  routes: [
    defineRoute({
      method: 'GET', path: '/api/v1/liar/:what', public: true, summary: 'Answers what it is asked to',
      params: Type.Object({ what: Type.String() }), responses: { 200: Thing }, errors: [409],
      async handler(req) {
        switch (req.params.what) {
          case 'right': return { id: '1', size: 2 };
          case 'wrong-type': return { id: '1', size: 'big' };
          case 'extra-field': return { id: '1', size: 2, secret: 'x' };
          case 'created': return reply.created({ id: '1', size: 2 });
          case 'empty': return reply.noContent();
          case 'conflict': throw conflict('declared');
          case 'html': return reply.html('<p>hi</p>');
          default: throw badRequest('400 is declared: the route has params');
        }
      },
    }),
    defineRoute({
      method: 'DELETE', path: '/api/v1/liar', public: true, summary: 'Answers a body where none is declared',
      responses: { 204: null }, handler: async () => new Reply(204, { id: '1' }),
    }),
    defineRoute({
      method: 'POST', path: '/api/v1/liar', public: true, summary: 'Fails with an undeclared status',
      responses: { 204: null }, handler: async () => { throw conflict('not declared'); },
    }),
  ],
});

describe('checking answers against their declaration (tests only)', () => {
  let t: TestApp;
  before(async () => { t = await createTestApp({ plugins: [liar] }); });
  after(() => t.close());

  const mismatch = async (url: string, method: 'get' | 'delete' | 'post' = 'get') => {
    const res = await t[method](url);
    expect(res.status, JSON.stringify(res.body)).to.equal(500);
    expect(res.body.type).to.equal('urn:lectern:problem:undeclared-answer');
    return String(res.body.detail);
  };

  it('lets declared answers and declared failures through', async () => {
    expect((await t.get('/api/v1/liar/right')).body).to.deep.equal({ id: '1', size: 2 });
    expect((await t.get('/api/v1/liar/conflict')).status).to.equal(409);
    expect((await t.get('/api/v1/liar/other')).status).to.equal(400);
  });

  it('refuses a body that does not match its schema, or has a field the schema does not list', async () => {
    expect(await mismatch('/api/v1/liar/wrong-type')).to.equal('GET /api/v1/liar/:what: the body of status 200 does not match its schema: body/size must be integer');
    expect(await mismatch('/api/v1/liar/extra-field')).to.equal('GET /api/v1/liar/:what: the body of status 200 does not match its schema: body must NOT have additional properties (secret)');
  });

  it('refuses an undeclared status, a body where none is declared, and another media type', async () => {
    expect(await mismatch('/api/v1/liar/created')).to.equal('GET /api/v1/liar/:what: status 201 is not declared (declared: 200)');
    expect(await mismatch('/api/v1/liar/empty')).to.match(/status 204 is not declared/);
    expect(await mismatch('/api/v1/liar', 'delete')).to.equal('DELETE /api/v1/liar: status 204 is declared without a body, but has one');
    expect(await mismatch('/api/v1/liar/html')).to.equal('GET /api/v1/liar/:what: status 200 is declared as application/json, but is text/html');
  });

  it('refuses a failure status the route does not declare', async () => {
    expect(await mismatch('/api/v1/liar', 'post')).to.equal(
      'POST /api/v1/liar: the handler failed with status 409, which is not declared (declared: 404): not declared');
  });

  it('is off unless asked for: the answer goes out as the handler gave it', async () => {
    const unchecked = await createTestApp({ plugins: [liar], checkResponses: false });
    try {
      const res = await unchecked.get('/api/v1/liar/extra-field');
      expect([res.status, res.body]).to.deep.equal([200, { id: '1', size: 2, secret: 'x' }]);
    } finally {
      await unchecked.close();
    }
  });
});
