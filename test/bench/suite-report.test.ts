// `npm run bench` rewrites only its own section of bench/RESULTS.md: the hand-written history below the
// markers survives every run, and a failed scenario shows up in the table with its reason.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { BEGIN, END, renderSuite, writeSuiteSection, type SuiteRun } from '../../bench/suite-report';
import type { Figures } from '../../bench/measure';

const figures = (rps: number): Figures => ({ rps, p50: 4, p99: 9, meanLatency: 5, total: rps * 5, peakRssMb: 120 });

function run(rps: number): SuiteRun {
  return {
    started: new Date('2026-01-01T00:00:00Z'), seconds: 421, machine: '2 × test CPU', postgres: '15', redis: '7', loadBefore: '0', loadAfter: '1',
    settings: '3 s + 5 s', shortened: [], baselineMaxAge: 90,
    baselines: [{ at: 0, before: '(start)', baselines: { koa: figures(10_000), koaSelect1: figures(4_000) } }],
    outcomes: [
      { name: 'HTTP', command: 'npm run bench:http', seconds: 40, rows: [{ name: 'route', figures: figures(rps), target: '≥ 60 % of B', met: rps >= 2_400 }] },
      { name: 'Writes', command: 'npm run bench:writes', seconds: 3, rows: [], error: 'POST /api/v1/cohorts: 12 non-2xx' },
    ],
  };
}

describe('the generated section of bench/RESULTS.md', () => {
  it('is replaced on every run, keeps the hand-written sections, and lists failures with their reason', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-results-'));
    const file = path.join(dir, 'RESULTS.md');
    const history = '# HTTP benchmark results\n\nHand-written history.\n';
    try {
      fs.writeFileSync(file, history);
      writeSuiteSection(file, renderSuite(run(2_000)));
      writeSuiteSection(file, renderSuite(run(3_000)));
      const text = fs.readFileSync(file, 'utf8');
      const section = text.slice(0, text.indexOf(END) + END.length);
      expect({
        startsWithSection: text.startsWith(BEGIN), sections: text.split(BEGIN).length - 1, rest: text.slice(section.length + 2),
        route: section.split('\n').find((l) => l.startsWith('| HTTP |')), failed: section.split('\n').find((l) => l.startsWith('| Writes |')),
      }).to.deep.equal({
        startsWithSection: true, sections: 1, rest: history,
        route: '| HTTP | route | 3,000 | 30.0% | 75.0%¹ | 4 | 9 | 120 |  | ≥ 60 % of B | met |',
        failed: '| Writes | — | | | | | | | | | **FAILED**: POST /api/v1/cohorts: 12 non-2xx |',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
