import type { PGlite, Results } from '@electric-sql/pglite';

// PGlite's query() sends every statement as the unnamed statement, so PostgreSQL parses and plans
// it again each time. On PGlite that work runs on the bot's own thread, and for the review card's
// read and save it was two thirds of a submit's database time (parse about 0.6 ms and plan 1.1 to
// 1.4 ms each, execution 0.5 to 0.8 ms). This keeps each statement text the bot sends as a named
// prepared statement (PostgreSQL's extended protocol: Parse once, then Bind and Execute), so it is
// parsed once per process and PostgreSQL's plan cache can keep its plan (plan_cache_mode auto:
// custom plans for the first five runs, then the generic plan when it is no dearer). PostgreSQL
// servers are reached through node-postgres and are not affected.

/** Statements kept at most; the least recently used one is closed past this (texts with varying IN lists would grow it). */
const MAX_STATEMENTS = 500;

/** Only plain data statements are kept: not DDL, transaction control or anything run once. */
const CACHEABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * A kept statement PostgreSQL no longer accepts: it was closed (26000), or a table it reads changed
 * shape since it was prepared (0A000 with this message; the same code is used by other errors,
 * such as the audit chain's refusal, which must reach the caller as they are).
 */
const staleStatement = (e: unknown): boolean => {
  const { code, message } = e as { code?: unknown; message?: unknown };
  return code === '26000' || (code === '0A000' && typeof message === 'string' && /cached plan must not change result type/.test(message));
};

type Protocol = typeof import('@electric-sql/pglite').protocol;
type Parse = typeof import('@electric-sql/pglite').parse;

/** The part of PGlite the Kysely dialect uses (kysely-pglite-dialect calls query and close only). */
export type PGliteQueries = Pick<PGlite, 'query' | 'close'>;

/**
 * Wraps a PGlite instance so that `query(sql, params)` runs data statements as named prepared
 * statements, kept per SQL text (least recently used closed past MAX_STATEMENTS). Results and
 * errors are PGlite's own (rows parsed by its type parsers; a DatabaseError carries the SQLSTATE).
 * Other statements, and a kept statement PostgreSQL no longer accepts, go through PGlite's query().
 * @param pg an open PGlite instance; `close` closes it
 */
export async function withStatementCache(pg: PGlite): Promise<PGliteQueries> {
  const { protocol, parse } = await import('@electric-sql/pglite');
  const kept = new Map<string, { name: string; paramTypes: number[] }>();
  let next = 0;

  const query = async <T>(text: string, params: unknown[] = []): Promise<Results<T>> => {
    // A closed instance answers through query(), with PGlite's own error.
    if (!CACHEABLE.test(text) || pg.closed) return pg.query<T>(text, params);
    try {
      return await pg.runExclusive(() => runKept<T>(pg, protocol, parse, kept, text, params, () => `hcc_${next++}`));
    } catch (e) {
      if (!staleStatement(e)) throw e;
      kept.delete(text);
      // Run afresh, unless the error aborted the caller's transaction (its rollback follows).
      if (pg.isInTransaction()) throw e;
      return pg.query<T>(text, params);
    }
  };
  return { query: query as PGlite['query'], close: () => pg.close() };
}

/** Runs `text` as its kept statement (preparing it the first time), inside PGlite's exclusive section. */
async function runKept<T>(
  pg: PGlite,
  protocol: Protocol,
  parse: Parse,
  kept: Map<string, { name: string; paramTypes: number[] }>,
  text: string,
  params: unknown[],
  newName: () => string,
): Promise<Results<T>> {
  const { serialize } = protocol;
  const send = (message: Uint8Array) => pg.execProtocolStream(message, { syncToFs: false });
  const messages: Awaited<ReturnType<typeof send>> = [];
  try {
    let statement = kept.get(text);
    if (statement) {
      // Most recently used last, so the first entry is the one to close.
      kept.delete(text);
      kept.set(text, statement);
    } else {
      if (kept.size >= MAX_STATEMENTS) {
        const [oldText, old] = kept.entries().next().value!;
        kept.delete(oldText);
        await send(serialize.close({ type: 'S', name: old.name }));
      }
      const name = newName();
      await send(serialize.parse({ name, text }));
      const described = await send(serialize.describe({ type: 'S', name }));
      statement = { name, paramTypes: parse.parseDescribeStatementResults(described) };
      kept.set(text, statement);
    }
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serializer = pg.serializers[statement.paramTypes[i]!];
      return serializer ? serializer(v) : String(v);
    });
    messages.push(
      ...(await send(serialize.bind({ statement: statement.name, values }))),
      ...(await send(serialize.describe({ type: 'P' }))),
      ...(await send(serialize.execute({}))),
    );
  } finally {
    messages.push(...(await send(serialize.sync())));
  }
  await pg.syncToFs();
  return parse.parseResults(messages, pg.parsers)[0] as Results<T>;
}
