/**
 * Structured logs (pino JSON lines) for the server components, written to the data dir's
 * kubeling.log so the terminal shows only the human steps; `--log-format text` prints readable
 * lines instead. Never log secrets or tokens.
 */
import { pino, type Logger } from 'pino';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function createLogger(format: string, file: string): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const dest = pino.destination({ dest: file, sync: false, mkdir: true });
  if (format === 'text') {
    return pino({ level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (l) => ({ level: l }) } }, dest);
  }
  return pino({ level: 'info' }, dest);
}
