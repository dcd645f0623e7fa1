/**
 * What every part of `npm run bench` shares: settings from the environment, number formats, the
 * backends a part runs on, per-backend columns that keep partial figures when a step fails, and
 * the table every part prints.
 */
import { pino } from 'pino';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../bot/logger.js';
import type { Backend } from './targets.js';

/** A positive integer from the environment, or the fallback. */
export function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/** The PostgreSQL server the benchmarks use (throw-away databases are created on it). */
export const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A logger that drops everything: the bot's own logging would time the terminal. */
export const silent: Logger = pino({ level: 'silent' });

/** 1,234,567 */
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-GB');
/** Milliseconds with one decimal below 1,000, whole and grouped above; `–` when not a number. */
export const fmtMs = (n: number): string => (Number.isFinite(n) ? (n >= 1000 ? fmtInt(n) : n.toFixed(1)) : '–');
/** Milliseconds as seconds, `12.3 s`. */
export const fmtS = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A connection string with its password masked. */
export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Prints progress to stderr (stdout carries the tables). */
export const progress = (msg: string): void => void process.stderr.write(`bench: ${msg}\n`);

/** What the parts learn from the entry point: the backends to run on. */
export interface BenchContext {
  /** PGlite always; PostgreSQL when a server answered at SERVER_URL. */
  backends: { name: string; backend: Backend }[];
  /** Why PostgreSQL is left out, or null when it is not. */
  postgresSkipped: string | null;
}

/** The figures of one part on one backend, the time of each step, and what failed. */
export interface Column<F> {
  name: string;
  /** Null when the backend was skipped (`skipped` says why). */
  figures: F | null;
  skipped?: string;
  phases: string[];
  errors: string[];
}

/** A run of one part on one backend: `step` times a piece of work and records its failure without stopping the run. */
export interface BackendRun<F> {
  backend: Backend;
  name: string;
  figures: F;
  /** Runs `work` as a named phase; on failure records `what: stack` and returns undefined. */
  step<T>(what: string, work: () => Promise<T>): Promise<T | undefined>;
}

/**
 * Runs a part on every backend of the context (PostgreSQL shown as skipped when no server
 * answered), each with fresh figures from `init`; an error thrown by `run` itself is recorded too.
 */
export async function perBackend<F>(
  ctx: BenchContext,
  part: string,
  init: () => F,
  run: (r: BackendRun<F>) => Promise<void>,
): Promise<Column<F>[]> {
  const columns: Column<F>[] = [];
  for (const { name, backend } of ctx.backends) {
    const figures = init();
    const col: Column<F> = { name, figures, phases: [], errors: [] };
    progress(`${part} on ${name}…`);
    const step = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
      const t0 = performance.now();
      try {
        return await work();
      } catch (e) {
        col.errors.push(`${what}: ${(e as Error).stack ?? String(e)}`);
        return undefined;
      } finally {
        col.phases.push(`${what} ${fmtS(performance.now() - t0)}`);
      }
    };
    try {
      await run({ backend, name, figures, step });
    } catch (e) {
      col.errors.push((e as Error).stack ?? String(e));
    }
    columns.push(col);
  }
  if (ctx.postgresSkipped) columns.push({ name: 'PostgreSQL', figures: null, skipped: 'skipped', phases: [], errors: [] });
  return columns;
}

/** One row of a table: its label and how to show a column's figures (undefined: not measured). */
export type Row<F> = [string, (f: F) => string | undefined];

/** A table as lines: a label column, then one column per backend (`failed` where a failure left a gap). */
export function table<F>(columns: readonly Column<F>[], rows: readonly Row<F>[]): string[] {
  const cell = (c: Column<F>, f: (f: F) => string | undefined): string =>
    c.figures ? (f(c.figures) ?? (c.errors.length ? 'failed' : '–')) : (c.skipped ?? '–');
  const header = ['benchmark', ...columns.map((c) => c.name)];
  const body = rows.map(([label, f]) => [label, ...columns.map((c) => cell(c, f))]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('   ')
      .trimEnd();
  return [line(header), ...body.map(line)];
}

/**
 * One of issue 11's goals, measured: the product's figure beside its floor from the same run,
 * their ratio and whether it is within `limit` (e.g. 2 for "within 2x of the floor"). For a
 * goal that is not a ratio (delivery at >= 95 % of the allowed rate) `floor` is the target and
 * `ratio` the share of it reached, with `atLeast` set.
 */
export interface Goal {
  /** e.g. "review-card submit p95 at concurrency 10" */
  figure: string;
  backend: string;
  product: number;
  floor: number;
  /** unit of product and floor: "ms", "MB", "/s" … */
  unit: string;
  /** what the floor is, e.g. "bare teams-ai handler + 1 read + 1 transaction" */
  floorIs: string;
  ratio: number;
  /** the goal's bound on the ratio */
  limit: number;
  /** true when the ratio must be at least `limit` (a share), false when at most (a slowdown) */
  atLeast?: boolean;
  met: boolean;
}

/** A goal "product within `limit`x of floor" (a lower ratio is better). */
export function ratioGoal(g: Omit<Goal, 'ratio' | 'met' | 'atLeast'>): Goal {
  const ratio = g.floor > 0 ? g.product / g.floor : Number.POSITIVE_INFINITY;
  return { ...g, ratio, met: Number.isFinite(g.product) && ratio <= g.limit };
}

/** A goal "product reaches at least `limit` of target" (a higher ratio is better), e.g. 0.95 of Teams' rate. */
export function shareGoal(g: Omit<Goal, 'ratio' | 'met' | 'atLeast'>): Goal {
  const ratio = g.floor > 0 ? g.product / g.floor : 0;
  return { ...g, ratio, atLeast: true, met: ratio >= g.limit };
}

/** The goals as table lines: figure, backend, product, floor, ratio, goal, met. */
export function goalLines(goals: readonly Goal[]): string[] {
  const fmt = (n: number, unit: string) =>
    `${unit === 'ms' ? fmtMs(n) : Number.isFinite(n) ? (Math.abs(n) >= 100 ? fmtInt(n) : n.toFixed(1)) : '–'} ${unit}`;
  const rows = goals.map((g) => [
    g.figure,
    g.backend,
    fmt(g.product, g.unit),
    `${fmt(g.floor, g.unit)} (${g.floorIs})`,
    g.atLeast ? `${(g.ratio * 100).toFixed(1)} %` : `${Number.isFinite(g.ratio) ? g.ratio.toFixed(2) : '–'}x`,
    g.atLeast ? `>= ${(g.limit * 100).toFixed(0)} %` : `<= ${g.limit}x`,
    g.met ? 'met' : 'NOT MET',
  ]);
  const header = ['figure', 'database', 'product', 'floor', 'ratio', 'goal', ''];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** What a part hands back: the lines to print (table and notes), the goals it measured and its failures, one reason each. */
export interface PartResult {
  lines: string[];
  failures: string[];
  /** issue 11's goals this part measured (printed again together at the end of the run) */
  goals?: Goal[];
}

/** The failures of a part's columns as `<backend>: <reason>`. */
export const columnFailures = <F>(columns: readonly Column<F>[]): string[] =>
  columns.flatMap((c) => c.errors.map((e) => `${c.name}: ${e}`));

/** Runs `fn` `warmups` times unmeasured, then `runs` times; the measured durations, ms. */
export async function sample(runs: number, warmups: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}
