// Malformed input against every operation the app publishes: the operations come from its own OpenAPI
// document and the inputs from each operation's schemas (path and query parameters, request body), so
// a new route is fuzzed without editing this file. Everything is deterministic. The requests go over a
// real socket (raw paths and bytes, as a client could send them), as an administrator with an API token
// so they get past authentication and permissions into validation and handlers, and some as nobody.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { account, type Account } from '../plugins/auth/helpers';
import { buildWorld, fieldFixtures, fillPath, pathFixtures, readable, sample, type World } from './world';

type Json = Record<string, unknown>;

interface Operation { label: string; method: string; path: string; public: boolean; params: Json[]; body?: { type: string; schema?: Json } }

/**
 * One request: raw path parameters and query, an optional body and its media type; as the admin, or
 * with `credentials` (none, or junk) instead.
 */
interface Input {
  name: string; path?: Record<string, string>; query?: [string, string][]; body?: string | Buffer; type?: string;
  credentials?: Record<string, string>;
}

interface Answer { status: number; type: string; text: string }

const DEPTH = 2000;
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
/** Strings that have broken text handling somewhere: a lone surrogate (as a JSON escape), RTL override, zero width, NUL, BOM, combining, emoji. */
const UNICODE: Record<string, string> = {
  'lone surrogate': '\\ud800x', 'RTL override': '\\u202egnp.exe', 'zero width': 'a\\u200bb\\u200d', NUL: 'a\\u0000b',
  BOM: '\\ufeffx', combining: 'e\\u0301\\u0301\\u0301', emoji: '🎓👩🏽‍🏫',
};
const BAD_PATH = ['-1', '99999999999999999999999999999', 'abc', '..', '..%2F..%2Fetc%2Fpasswd', '%00', '%FF%FE', 'x'.repeat(3000)];
const BAD_QUERY = ['abc', '-1', '99999999999999999999999', 'x'.repeat(5000), '%00', '%FF'];
const ANY_QUERY: [string, string][] = [
  ['__proto__[polluted]', '1'], ['constructor[prototype][polluted]', '1'], ['a[b][c][d][e][f]', '1'], ['matrixExtra', '%E2%80%AE'], ['q', '%FF%FE'],
];
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const BAD_CURSORS = [
  'not-a-cursor', b64('[]'), b64('{"a":1}'), b64('[1.5]'), b64('[1e308]'), b64('[99999999999999999999]'), b64('["\\u0000",1]'),
  b64('["\\ud800",1]'), b64('["x","y","z"]'), b64('[null]'), b64(deepArray), 'A'.repeat(600),
];
/** Invalid UTF-8: a stray continuation byte, an overlong encoding, a lone lead byte, an encoded surrogate. */
const INVALID_UTF8 = Buffer.from([0x80, 0xc0, 0xaf, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff]);
const INVALID_UTF8_IN_JSON = 'invalid UTF-8 in a JSON string';
const INTERNAL = [/^\s*at .+:\d+:\d+\)?$/m, /\/work\//, /node_modules/, /\.[cm]?[jt]s:\d/, /lectern-test-/];
const SQL = [
  /\bselect\s+(\*|"|count\(|distinct\b)/i, /\binsert into\b/i, /\bupdate "\w/i, /\bdelete from\b/i, / from "/i, /syntax error/i,
  /\brelation "/i, /\bcolumn "/i, /duplicate key/i, /violates .* constraint/i, /invalid input (syntax|value)/i, /out of range for type/i,
  /value too long for type/i, /invalid byte sequence for encoding/i, /current transaction is aborted/i,
];

/** Violations, one line per operation, caller and status, naming every input that led to it and showing the first answer. */
class Findings {
  private readonly byKey = new Map<string, { inputs: string[]; answer: string }>();
  add(key: string, input: string, answer = ''): void {
    const entry = this.byKey.get(key) ?? { inputs: [], answer: answer.replace(/\s+/g, ' ').trim() };
    entry.inputs.push(input);
    this.byKey.set(key, entry);
  }
  lines(): string[] {
    return [...this.byKey].map(([key, { inputs, answer }]) => `${key} for ${inputs.join('; ')}${answer ? ` — ${answer}` : ''}`);
  }
}

describe('security: schema-driven fuzzing of every operation in the OpenAPI document', function () {
  this.timeout(120_000);
  let w: World;
  let admin: Account;
  let server: http.Server;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let operations: Operation[];
  /** Per operation label, how many inputs it got. */
  const sent = new Map<string, number>();
  const fivexx = new Findings();
  const leaks = new Findings();
  const acceptedInvalidUtf8 = new Findings();
  const adminUnauthenticated = new Findings();

  before(async () => {
    w = await buildWorld();
    admin = await account(w.t, 'fuzzer@example.test', ['admin']);
    server = http.createServer(w.t.app.http.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const doc = (await w.t.get('/api/v1/openapi.json').expect(200)).body as Json;
    operations = operationsOf(doc);

    const names: string[] = (await w.t.db.raw(
      `select table_name as n from information_schema.tables where table_schema = current_schema()
       union select column_name from information_schema.columns where table_schema = current_schema() and column_name like '%\\_%'`,
    )).rows.map((r: { n: string }) => r.n);
    const schemaNames = new RegExp(`\\b(${names.join('|')})\\b`);
    const paths = pathFixtures(w);
    const fields = fieldFixtures(w);

    const credentials = junkCredentials(admin.token, doc);
    for (const op of operations) {
      const base = fillPath(op.path, paths, op.label).params;
      const query: [string, string][] = op.params.filter((p) => p.in === 'query' && p.required)
        .map((p) => [String(p.name), String(sample(p.schema as Json, fields, op.label, `query.${String(p.name)}`))]);
      const body = op.body?.schema ? sample(op.body.schema, fields, op.label, 'body') as Json : undefined;
      for (const input of inputs(op, body, credentials)) {
        const res = await send(op, { ...input, path: { ...base, ...input.path }, query: input.query ?? query });
        sent.set(op.label, (sent.get(op.label) ?? 0) + 1);
        const what = `${op.label} as ${input.credentials ? 'nobody' : 'admin'}: ${res.status}`;
        const text = visible(res);
        if (res.status >= 500) fivexx.add(what, input.name, readable(res.type, res.text));
        const leak = [...INTERNAL, ...SQL, schemaNames].find((re) => re.test(text));
        if (leak) leaks.add(`${what} matching ${String(leak)}`, input.name, excerpt(text, leak));
        if (input.name === INVALID_UTF8_IN_JSON && res.status !== 400) acceptedInvalidUtf8.add(what, input.name);
        if (!input.credentials && !op.public && res.status === 401) adminUnauthenticated.add(what, input.name);
      }
    }
  });
  after(async () => {
    agent.destroy();
    await new Promise((resolve) => server?.close(resolve));
    await w?.t.close();
  });
  after(() => {
    const total = [...sent.values()].reduce((a, b) => a + b, 0);
    console.log(`      fuzz: ${operations?.length ?? 0} operations, ${total} requests`);
  });

  const report = (found: Findings | string[]) => {
    const list = Array.isArray(found) ? found : found.lines();
    expect(list, `\n${list.join('\n')}\n`).to.deep.equal([]);
  };

  it('sends at least 20 malformed inputs to every operation of the document', () => {
    const documented = new Set(operations.map((op) => op.label.replace(/\{(\w+)\}/g, ':$1')));
    const api = w.t.app.http.mounted.filter(({ route }) => !route.html).map(({ route }) => `${route.method} ${route.path}`);
    expect(api.filter((label) => !documented.has(label)), 'API routes missing from the document').to.deep.equal([]);
    report(operations.filter((op) => (sent.get(op.label) ?? 0) < 20).map((op) => `${op.label}: ${sent.get(op.label) ?? 0} inputs`));
  });

  it('gets the admin past authentication on every operation that needs it', () => report(adminUnauthenticated));

  it('never answers 5xx', () => report(fivexx));

  it('never answers with SQL, schema names, a stack trace or a file path', () => report(leaks));

  it('refuses a JSON body that is not valid UTF-8 with 400', () => report(acceptedInvalidUtf8));

  it('lets no body pollute Object.prototype', () => {
    expect(Object.prototype).to.not.have.property('polluted');
    expect(({} as Json).polluted).to.equal(undefined);
  });

  async function send(op: Operation, input: Input): Promise<Answer> {
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => input.path?.[name] ?? '');
    const query = (input.query ?? []).map(([k, v]) => `${k}=${v}`).join('&');
    const headers: Record<string, string | number> = { ...(input.credentials ?? { Authorization: `Bearer ${admin.token}` }) };
    if (input.body !== undefined) Object.assign(headers, { 'Content-Type': input.type ?? 'application/json', 'Content-Length': Buffer.byteLength(input.body) });
    const { address, port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: address, port, method: op.method, path: query ? `${path}?${query}` : path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(input.body);
    });
  }
});

/** Every operation of the document, destructive ones last (so the others still find the world's objects). */
function operationsOf(doc: Json): Operation[] {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, raw]) => {
    const op = deref(raw, doc) as Json;
    const content = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
    const [type] = Object.keys(content);
    return {
      label: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, public: !((op.security ?? doc.security) as unknown[] | undefined)?.length,
      params: (op.parameters ?? []) as Json[], body: type ? { type, schema: content[type].schema as Json | undefined } : undefined,
    };
  }));
  const destructive = (op: Operation) => op.method === 'DELETE' || /\/(delete|remove|unenroll|unlink|deactivate|revoke|archive|logout)$/.test(op.path);
  return [...ops.filter((op) => !destructive(op)), ...ops.filter(destructive)];
}

/** The schema with local `$ref`s replaced by what they point to. */
function deref(value: unknown, doc: Json, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => deref(v, doc, depth));
  if (!value || typeof value !== 'object' || depth > 20) return value;
  const ref = (value as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    return deref(ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Json)?.[key], doc), doc, depth + 1);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deref(v, doc, depth)]));
}

/** Credentials a client could get wrong: a token one character too long, a cut one, a huge one, bytes, another scheme; a junk session cookie. */
function junkCredentials(token: string, doc: Json): Record<string, Record<string, string>> {
  const cookie = ((doc.components as Json | undefined)?.securitySchemes as Record<string, Json> | undefined)?.session?.name;
  return {
    nothing: {},
    'a token one character too long': { Authorization: `Bearer ${token}x` },
    'a cut token': { Authorization: `Bearer ${token.slice(0, 6)}` },
    'a huge token': { Authorization: `Bearer ${'A'.repeat(8000)}` },
    'a token of latin-1 bytes': { Authorization: 'Bearer \u00ff\u00fe\u00e9' },
    'another scheme': { Authorization: 'Basic YWRtaW46YWRtaW4=' },
    ...(typeof cookie === 'string' ? { 'a junk session cookie': { Cookie: `${cookie}=%FF%00${'x'.repeat(4000)}` } } : {}),
  };
}

/**
 * The malformed inputs for one operation: its path and query parameters, junk credentials, and bodies no
 * parser should choke on, whatever it takes; and for a JSON body, every field of its schema given the
 * wrong type, a huge or deeply nested value and tricky text, and fields missing or extra; for another
 * media type (a CSV upload), broken files of that type.
 */
function inputs(op: Operation, body: Json | undefined, credentials: Record<string, Record<string, string>>): Input[] {
  const list: Input[] = [];
  const json = (name: string, text: string | Buffer) => list.push({ name, body: text, type: 'application/json' });
  const base = JSON.stringify(body ?? {});

  for (const p of op.params.filter((x) => x.in === 'path')) {
    for (const bad of BAD_PATH) list.push({ name: `path ${String(p.name)}=${bad.slice(0, 30)}`, path: { [String(p.name)]: bad } });
  }
  for (const p of op.params.filter((x) => x.in === 'query')) {
    const name = String(p.name);
    for (const bad of name === 'cursor' ? BAD_CURSORS : BAD_QUERY) list.push({ name: `query ${name}=${bad.slice(0, 30)}`, query: [[name, bad]] });
    list.push({ name: `query ${name} twice`, query: [[name, '1'], [name, '2']] });
  }
  for (const pair of ANY_QUERY) list.push({ name: `query ${pair[0]}`, query: [pair] });
  for (const [name, headers] of Object.entries(credentials)) list.push({ name: `${name} as credentials`, credentials: headers });

  json(`arrays nested ${DEPTH} deep`, deepArray);
  json(`objects nested ${DEPTH} deep`, deepObject);
  json('__proto__', withRaw(body ?? {}, { ['__proto__']: '{"polluted":"yes"}' }));
  json('invalid UTF-8 bytes', INVALID_UTF8);
  json('a cut JSON text', base.slice(0, -1));
  list.push({ name: 'text/plain', body: base, type: 'text/plain' });
  list.push({ name: 'a form with __proto__', body: '__proto__[polluted]=yes&constructor[prototype][polluted]=yes', type: 'application/x-www-form-urlencoded' });
  list.push({ name: `objects nested ${DEPTH} deep as nobody`, body: deepObject, type: 'application/json', credentials: {} });

  if (op.body?.type === 'application/json' && body) {
    const props = ((op.body.schema?.properties ?? {}) as Record<string, Json>);
    const strings = Object.keys(props).filter((k) => typesOf(props[k]).includes('string'));
    json('no fields', '{}');
    for (const k of (op.body.schema?.required ?? []) as string[]) json(`${k} missing`, JSON.stringify({ ...body, [k]: undefined }));
    json('an extra field', JSON.stringify({ ...body, matrixExtra: 'x' }));
    json('constructor.prototype', withRaw(body, { constructor: '{"prototype":{"polluted":"yes"}}' }));
    json('prototype', withRaw(body, { prototype: '{"polluted":"yes"}' }));
    for (const text of ['[]', '"text"', 'null', '']) json(`the JSON text ${text || '(empty)'}`, text);
    for (const type of ['multipart/form-data; boundary=x', 'application/json; charset=latin1']) list.push({ name: type, body: base, type });
    for (const [k, s] of Object.entries(props)) {
      const types = typesOf(s);
      for (const wrong of [42, 'text', true, null, [], {}].filter((v) => !types.includes(v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)).slice(0, 3)) {
        json(`${k}=${JSON.stringify(wrong)}`, JSON.stringify({ ...body, [k]: wrong }));
      }
      if (types.includes('string')) json(`${k} huge`, JSON.stringify({ ...body, [k]: 'x'.repeat(200_000) }));
      if (types.includes('number') || types.includes('integer')) {
        for (const n of ['1e308', '-1e308', '18446744073709551616', '1e400']) json(`${k}=${n}`, withRaw(body, { [k]: n }));
      }
      json(`${k} nested ${DEPTH} deep`, withRaw(body, { [k]: deepObject }));
    }
    const fields = strings.length ? strings : ['matrixExtra'];
    for (const [name, escaped] of Object.entries(UNICODE)) {
      json(`${name} in ${fields.join(', ')}`, withRaw(body, Object.fromEntries(fields.map((k) => [k, `"${escaped}"`]))));
    }
    const [before, after] = withRaw(body, { [fields[0]]: '"@@"' }).split('@@');
    json(INVALID_UTF8_IN_JSON, Buffer.concat([Buffer.from(before), INVALID_UTF8, Buffer.from(after)]));
  } else if (op.body) {
    for (const [name, text] of Object.entries({
      'invalid UTF-8': Buffer.concat([Buffer.from('email,name\n'), INVALID_UTF8, Buffer.from(',x\n')]), NUL: 'email,name\na\u0000b@example.test,x\n',
      'an unterminated quote': 'email,name\n"a@example.test,x\n', 'a BOM': '\ufeffemail,name\nb@example.test,x\n', 'no header': '',
      'ten thousand columns': `${'c,'.repeat(10_000)}c\n`, 'a huge line': `email,name\n${'x'.repeat(500_000)},x\n`,
    })) list.push({ name: `${op.body.type} with ${name}`, body: text, type: op.body.type });
  }
  return list;
}

/** `body` as JSON text with the named fields set to raw JSON text (which JSON.stringify could not write). */
function withRaw(body: Json, raw: Record<string, string>): string {
  const keys = Object.keys(raw);
  const marked = Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k)));
  const text = JSON.stringify(marked);
  const extra = keys.map((k) => `${JSON.stringify(k)}:${raw[k]}`).join(',');
  return text === '{}' ? `{${extra}}` : `${text.slice(0, -1)},${extra}}`;
}

const typesOf = (s: Json): string[] => {
  const branches = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  return branches ? branches.flatMap(typesOf) : [String(s.type ?? (typeof s.const === 'string' ? 'string' : 'unknown'))];
};

/** The whole text of an answer, a page without its markup (a leak may hide anywhere, not only in <main>). */
const visible = (res: Answer) => (/html/.test(res.type) ? res.text.replace(/<[^>]*>/g, ' ') : res.text);

const excerpt = (text: string, re: RegExp) => {
  const at = text.search(re);
  return text.slice(Math.max(0, at - 60), at + 100).replace(/\s+/g, ' ');
};
