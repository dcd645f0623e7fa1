import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../schema.js';

/** The first entry where the chain breaks: its id and time, and what is wrong. */
export interface BrokenEntry {
  id: string;
  at: Date | null;
  problem: string;
}

/**
 * The outcome of a chain check: whole with `count` entries and the hash of the last one (keep
 * it outside the database: entries removed from the end are found only by comparing with an
 * earlier check), or broken at `broken`.
 */
export type ChainReport = { ok: true; count: number; lastHash: string } | { ok: false; count: number; broken: BrokenEntry };

const GENESIS = '0'.repeat(64);
const BATCH = 5000;

interface Row {
  id: string;
  at: Date;
  seq: string;
  prev_hash: string;
  hash: string;
  canonical: string;
}

/**
 * Checks the audit log's hash chain (migration 2026-11-29T01) in chain order (`seq`, the order
 * entries took the chain head, which is commit order; not `id`). For each entry: its position
 * follows the previous one, `prev_hash` is the previous entry's hash, and `hash` is the SHA-256
 * (computed here, in Node) of the entry's canonical text; entries written with the chain trigger
 * switched off have no position. Reads in batches of 5,000, so any size of log fits in memory.
 * @returns whole with the number of entries and the last hash, or the first broken entry (id, time, problem)
 */
export async function verifyAuditChain(db: Db): Promise<ChainReport> {
  const unchained = (
    await sql<{
      id: string;
      at: Date;
    }>`select id::text as id, at from audit_log where seq is null or hash is null or prev_hash is null order by id limit 1`.execute(db)
  ).rows[0];
  let count = 0;
  let prevHash = GENESIS;
  let prevSeq = 0n;
  for (;;) {
    const rows = (
      await sql<Row>`
        select id::text as id, at, seq::text as seq, prev_hash, hash,
          jsonb_build_array(id::text, seq::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            actor, action, entity_type, entity_id, details, prev_hash)::text as canonical
        from audit_log where audit_log.seq > ${String(prevSeq)}::bigint order by audit_log.seq limit ${BATCH}`.execute(db)
    ).rows;
    for (const r of rows) {
      const seq = BigInt(r.seq);
      const broken = (problem: string): ChainReport => ({ ok: false, count, broken: { id: r.id, at: r.at, problem } });
      if (seq !== prevSeq + 1n) return broken(`entries are missing before it (chain position ${prevSeq + 1n} to ${seq - 1n})`);
      if (r.prev_hash !== prevHash) return broken('it does not follow the entry before it (previous hash differs)');
      if (createHash('sha256').update(r.canonical, 'utf8').digest('hex') !== r.hash)
        return broken('its content has changed since it was written');
      count++;
      prevHash = r.hash;
      prevSeq = seq;
    }
    if (rows.length < BATCH) break;
  }
  if (unchained)
    return {
      ok: false,
      count,
      broken: { id: unchained.id, at: unchained.at, problem: 'it was written outside the chain (the chain trigger was off)' },
    };
  return { ok: true, count, lastHash: prevHash };
}
