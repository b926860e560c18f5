// The password policy (issue 15): 12 to 128 characters by default, and none of the common passwords of the
// shipped list (any case) — each refused with a 400 naming the field.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { commonPasswords } from '../../../plugins/auth/passwords';

describe('auth: password policy', function () {
  this.timeout(60_000);
  let t: TestApp;
  let ada: Persona;
  before(async () => {
    t = await createTestApp({ plugins: ['auth'] });
    ada = await t.persona('ada', 'admin');
  });
  after(() => t?.close());

  const create = (email: string, password: string) => ada.post('/api/v1/users').send({ email, name: 'New', password });

  it('refuses short, overlong and common passwords, naming the field', async () => {
    for (const [password, message] of [
      ['eleven char', 'must be at least 12 characters'],
      ['x'.repeat(129), 'must be at most 128 characters'],
      ['Password1234', 'is too common'],
      ['1QAZ2WSX3EDC', 'is too common'],
    ]) {
      const res = await create('weak@example.com', password);
      expect(res.status, password).to.equal(400);
      expect(res.body.errors).to.deep.include({ path: 'body.password', message });
    }
    expect((await create('strong@example.com', 'twelve chars')).status).to.equal(201);
    expect((await create('long@example.com', 'y'.repeat(128))).status).to.equal(201);
  });

  it('loads the list once into a Set', () => {
    expect(commonPasswords()).to.equal(commonPasswords());
    expect(commonPasswords().size).to.be.above(10_000);
    expect(commonPasswords().has('password1234')).to.equal(true);
  });
});
