import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * Issue 11 item 7: the chart libraries cost the running bot about 60 MB, so they load when the
 * first chart is drawn, not with the bot. A fresh process records every module it resolves.
 */
const SCRIPT = `
import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({ resolve(spec, ctx, next) { seen.add(spec); return next(spec, ctx); } });
const chartLibs = () => ['vega', 'sharp'].filter((m) => seen.has(m));
await import('./bot/app.ts');
const withBot = chartLibs();
const { renderStrandChartPng } = await import('./cards/chart.ts');
await renderStrandChartPng({ months: ['2026-01'], series: [] });
console.log(JSON.stringify({ withBot, afterChart: chartLibs() }));
`;

describe('chart libraries', () => {
  // A fresh process compiles the whole bot with tsx: slow on a busy machine.
  it('are not loaded with the bot, only when the first chart is drawn', { timeout: 240_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
      cwd: process.cwd(),
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ withBot: [], afterChart: ['vega', 'sharp'] });
  });
});
