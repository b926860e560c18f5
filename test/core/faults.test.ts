// A lost PostgreSQL connection must never crash the process: requests get 503 with Retry-After,
// /readyz names the database, and service resumes when the database comes back. (PGlite runs in
// the process and has no connection to lose, so this runs on PostgreSQL.)
import net from 'node:net';
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { eventually, onPostgres } from './helpers';

/** A TCP proxy in front of PostgreSQL that the test can cut and restore. */
class Cable {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly port: number) {}

  async connect(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(5432, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => { this.sockets.delete(s); client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => (this.server as net.Server).listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

(onPostgres ? describe : describe.skip)('database faults', () => {
  let t: TestApp;
  let cable: Cable;
  before(async () => {
    cable = new Cable(await freePort());
    await cable.connect();
    const url = new URL(String(process.env.DATABASE_URL));
    url.host = `127.0.0.1:${cable.port}`;
    t = await createTestApp({ plugins: ['hello-plugin'], config: { databaseUrl: url.toString() } });
    await t.grant('reader', 'learner');
  });
  after(async () => {
    await cable.cut();
    await cable.connect();
    await t.close();
    await cable.cut();
  });

  it('answers 503 while the database is gone and recovers when it returns', async () => {
    expect((await t.as('reader').get('/api/v1/hello/greetings/1')).status).to.equal(404);
    await cable.cut();
    const down = await t.as('reader').get('/api/v1/hello/greetings/1');
    expect([down.status, down.type, down.headers['retry-after']]).to.deep.equal([503, 'application/problem+json', '5']);
    expect(down.body.detail).to.equal('The database is unavailable; try again shortly.');
    const ready = await t.get('/readyz');
    expect([ready.status, ready.body.db]).to.deep.equal([503, 'unavailable']);
    expect((await t.get('/healthz')).status).to.equal(200);
    await cable.connect();
    await eventually(async () => (await t.as('reader').get('/api/v1/hello/greetings/1')).status === 404, 10_000);
    expect((await t.get('/readyz')).status).to.equal(200);
  });
});
