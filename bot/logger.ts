import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logger. Never log card contents, summaries or people refs: log ids and outcomes. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'hcc-bot' }, redact: ['req.headers.authorization', '*.authorization', '*.appPassword'] });
}
