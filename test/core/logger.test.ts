// The log a person sees in a terminal is readable lines; anywhere else (a file, a collector) it is JSON
// lines, unless LOG_FORMAT chooses.
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { createLogger, type LogFormat } from '../../core/logger';

async function logged(format: LogFormat, tty: boolean): Promise<string> {
  const out = Object.assign(new PassThrough(), { isTTY: tty }) as unknown as NodeJS.WriteStream;
  let text = '';
  (out as unknown as PassThrough).on('data', (chunk: Buffer) => { text += chunk.toString(); });
  createLogger('info', format, out).info({ port: 3000 }, 'listening on http://localhost:3000');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return text;
}

describe('the log', () => {
  it('is readable lines in a terminal and JSON lines elsewhere, unless LOG_FORMAT chooses', async () => {
    const json = (text: string) => { try { return (JSON.parse(text.trim()) as { msg?: string }).msg; } catch { return null; } };
    const [terminal, file, forcedJson, forcedPretty] = await Promise.all([
      logged('auto', true), logged('auto', false), logged('json', true), logged('pretty', false),
    ]);
    expect({
      terminal: json(terminal) === null && /INFO.*listening on http:\/\/localhost:3000/.test(terminal),
      file: json(file), forcedJson: json(forcedJson), forcedPretty: json(forcedPretty) === null && forcedPretty.includes('listening on'),
    }).to.deep.equal({ terminal: true, file: 'listening on http://localhost:3000', forcedJson: 'listening on http://localhost:3000', forcedPretty: true });
  });
});
