import type { Config } from '../bot/config.js';

/**
 * The URL of a bot already running here on the embedded database (PGlite is one process's at a
 * time, so scripts go through the bot's HTTP endpoints instead), or null. Asks `/healthz`.
 */
export async function runningBot(config: Config): Promise<string | null> {
  if (config.database.kind !== 'pglite') return null;
  const url = `http://127.0.0.1:${config.port}`;
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1500) });
    return res.ok ? url : null;
  } catch {
    return null;
  }
}
