/**
 * Structured logs (pino JSON lines) for the server components, written to the data dir's
 * kubeling.log so the terminal shows only the human steps; `--log-format text` prints readable
 * lines instead. Never log secrets or tokens.
 */
import { pino, type Logger } from 'pino';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export function createLogger(format: string, file: string): Logger {
  mkdirSync(dirname(file), { recursive: true });
  // The file is opened here, synchronously: a destination that opens it asynchronously is not ready
  // when start-up fails at once, and pino's exit hook then throws "sonic boom is not ready yet".
  const dest = pino.destination({ fd: openSync(file, 'a', 0o600), sync: false });
  if (format === 'text') {
    return pino({ level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (l) => ({ level: l }) } }, dest);
  }
  return pino({ level: 'info' }, dest);
}
