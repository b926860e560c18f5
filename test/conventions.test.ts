// Project conventions that review alone would miss: plugins import only the public API, every file
// says why it exists, no `any`, tables carry their plugin's prefix, and personal data has a privacy
// provider.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createTestApp } from 'lectern';

const root = path.resolve(__dirname, '..', '..');
const sourceFiles = (dir: string): string[] => !fs.existsSync(dir) ? [] : fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const full = path.join(dir, e.name);
  if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(full);
  return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
});
const pluginDirs = ['plugins', 'examples'].flatMap((d) => fs.existsSync(path.join(root, d))
  ? fs.readdirSync(path.join(root, d)).map((n) => path.join(root, d, n)).filter((p) => fs.existsSync(path.join(p, 'index.ts')))
  : []);
const rel = (f: string) => path.relative(root, f);
/** The `dependsOn` of a plugin, read from its compiled manifest. */
const dependenciesOf = (dir: string): string[] => {
  const compiled = path.join(root, 'dist', path.relative(root, dir), 'index.js');
  return (require(compiled) as { default: { dependsOn?: string[] } }).default.dependsOn ?? [];
};

describe('conventions', () => {
  it('plugins import the core only as `lectern`, and another plugin only as `lectern/<plugin>` and only if they depend on it', () => {
    const offences: string[] = [];
    for (const dir of pluginDirs) {
      const dependsOn = dependenciesOf(dir);
      for (const file of sourceFiles(dir)) {
        for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)) {
          const target = path.resolve(path.dirname(file), spec);
          if (spec.startsWith('.') && !target.startsWith(dir + path.sep)) offences.push(`${rel(file)} imports ${spec}`);
          // Another plugin's public surface is `lectern/<plugin>`, allowed when that plugin is a dependency.
          const surface = /^lectern\/([a-z-]+)$/.exec(spec)?.[1];
          if ((spec.startsWith('lectern/') && !(surface && dependsOn.includes(surface))) || /(^|\/)core(\/|$)/.test(spec)) {
            offences.push(`${rel(file)} imports ${spec}`);
          }
        }
      }
    }
    expect(offences).to.deep.equal([]);
  });

  it('every source file starts with a comment saying why it exists, and none uses `any`', () => {
    const files = ['core', 'plugins', 'examples', 'bench', 'test'].flatMap((d) => sourceFiles(path.join(root, d)));
    expect(files.length).to.be.above(30);
    const headless = files.filter((f) => !/^(#!.*\n)?\s*(\/\/|\/\*)/.test(fs.readFileSync(f, 'utf8'))).map(rel);
    expect(headless, 'files without a header comment').to.deep.equal([]);
    const self = path.join(root, 'test', 'conventions.test.ts');
    const anyUse = files.filter((f) => f !== self && /(:\s*any\b|as any\b|<any>)/.test(fs.readFileSync(f, 'utf8'))).map(rel);
    expect(anyUse, 'files using any').to.deep.equal([]);
  });

  describe('with every bundled plugin installed', () => {
    const names = pluginDirs.map((d) => path.basename(d));

    it('prefixes every table with its plugin name, and covers every user reference with a privacy provider', async () => {
      const t = await createTestApp({ plugins: names });
      try {
        const prefixes = ['core', ...t.app.plugins.map((p) => p.name)].map((n) => `${n.replace(/-/g, '_')}_`);
        const tables: string[] = (await t.db('information_schema.tables').where({ table_schema: t.db.raw('current_schema()') })
          .pluck('table_name'));
        expect(tables.filter((tb) => !prefixes.some((p) => tb.startsWith(p))), 'tables without a plugin prefix').to.deep.equal([]);
        const userColumns = await t.app.privacy.personColumns(t.db);
        expect(userColumns.length).to.be.above(0);
        const uncovered = userColumns.filter((c) => !c.covered).map((c) => `${c.table}.${c.column}`);
        expect(uncovered, 'user references without a privacy provider').to.deep.equal([]);
      } finally {
        await t.close();
      }
    });
  });
});
