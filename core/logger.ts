// The process's log: JSON lines for a log collector, or readable lines for a person watching a terminal.
// `logFormat` (LOG_FORMAT) is `auto` by default: readable when stdout is a terminal, JSON otherwise.
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'auto' | 'json' | 'pretty';

export function createLogger(level: string, format: LogFormat, out: NodeJS.WriteStream = process.stdout): Logger {
  const options = { level, base: { app: 'lectern' } };
  // pino's own fast writer for stdout; another stream (tests) as given.
  if (format === 'json' || (format === 'auto' && !out.isTTY)) return out === process.stdout ? pino(options) : pino(options, out);
  return pino(options, pretty({ destination: out, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app', colorize: out.isTTY }));
}
