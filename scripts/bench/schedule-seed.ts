/**
 * Set-wise bulk load of review schedules for the issue 3 benchmarks (generate_series and
 * INSERT … SELECT, never row by row through the app). The rows are what the bot itself writes:
 * open occurrences with their OIC and supervisor UPNs, and scheduled reviews of the kinds
 * planned when an occurrence is flagged (victim contact and task review by the supervisor,
 * victim-support referral by the OIC, the coordinator review), `pending` with `step` and
 * `next_step_at` as the sweep leaves them. Ids are deterministic (row number in the last
 * uuid group) so a benchmark can address row n without reading it back. The tables keep every
 * index the migrations create; callers ANALYZE after loading (`analyze`).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';

/** The tenant every seeded conversation is in. */
export const BENCH_TENANT = 'tenant-bench';
/** The bot account of every seeded conversation reference. */
export const BENCH_BOT = { id: '28:bot', name: 'Hate Crime Coordinator' };

/** Districts of the seeded occurrences: `District 0` … `District 11`. */
export const DISTRICTS = 12;

/** Kinds seeded per occurrence, in turn (review n is kind n % 4 of occurrence n / 4). */
const KINDS: readonly { kind: string; owner: string }[] = [
  { kind: 'victim_contact', owner: 'supervisor' },
  { kind: 'task_review', owner: 'supervisor' },
  { kind: 'victim_support_referral', owner: 'oic' },
  { kind: 'coordinator_review', owner: 'coordinator' },
];
/** Scheduled reviews per occurrence. */
export const PER_OCCURRENCE = KINDS.length;

/** Plain-text description of what one seeded occurrence holds, for notes. */
export const KINDS_TEXT = `${PER_OCCURRENCE} reviews per occurrence (${KINDS.map((k) => `${k.kind.replace(/_/g, ' ')} by the ${k.owner}`).join(', ')})`;

/** A SQL expression built with kysely's `sql`. */
export type Sql = RawBuilder<unknown>;

/** Deterministic uuids: scheduled review n, occurrence n, user n. */
const uuidIn = (group: string) => (n: Sql | number) => sql`('00000000-0000-4000-${sql.raw(group)}-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
const reviewUuid = uuidIn('8000');
const occurrenceUuid = uuidIn('9000');
const userUuid = uuidIn('a000');
const jsUuid = (group: string) => (n: number) => `00000000-0000-4000-${group}-${n.toString(16).padStart(12, '0')}`;
/** The id of seeded scheduled review `n`. */
export const reviewId = jsUuid('8000');
/** The id of seeded user `n`. */
export const userId = jsUuid('a000');

/**
 * Runs a bulk load on one connection with foreign-key triggers off where the role may
 * (session_replication_role = replica, superusers only): the rows are consistent by construction
 * and the checks would double the load time. The measured work afterwards runs with them.
 * @returns the load's value and whether the checks were skipped
 */
export async function bulkLoad<T>(
  db: Kysely<Database>,
  load: (conn: Kysely<Database>) => Promise<T>,
): Promise<{ value: T; fkSkipped: boolean }> {
  return db.connection().execute(async (conn) => {
    const fkSkipped = await sql`set session_replication_role = replica`.execute(conn).then(
      () => true,
      () => false,
    );
    try {
      return { value: await load(conn), fkSkipped };
    } finally {
      if (fkSkipped) await sql`set session_replication_role = default`.execute(conn);
    }
  });
}

/** VACUUM ANALYZE of the tables, as autovacuum would do after a bulk load (and not during the timings). */
export async function analyze(db: Kysely<Database>, tables: readonly (keyof Database & string)[]): Promise<void> {
  for (const t of tables) await sql`vacuum (analyze) ${sql.table(t)}`.execute(db);
}

/** How seeded users look: user k has UPN `upn(k)`, Teams id `29:<upn>`, these roles and districts. */
export interface UserSpec {
  from: number;
  count: number;
  upn: (k: Sql) => Sql;
  roles: readonly string[];
  districts?: (k: Sql) => Sql;
  /** Store each user's personal chat with the bot (id `a:bench-personal-<k>`), its reference pointing at this service URL. */
  personalChatsAt?: string;
}

/** Users known to the bot from Teams (and their personal chats), as the roster import and Teams activities leave them. */
export async function seedUsers(db: Kysely<Database>, spec: UserSpec): Promise<void> {
  const k = sql.ref('k');
  const range = sql`generate_series(${spec.from}::int, ${spec.from + spec.count - 1}::int) k`;
  const roles = sql`${sql.raw(`array[${spec.roles.map((r) => `'${r}'`).join(',')}]`)}::text[]`;
  await sql`
    insert into users (id, teams_id, aad_object_id, upn, name, roles, districts, on_roster)
    select ${userUuid(k)}, '29:' || ${spec.upn(k)}, 'aad-' || ${spec.upn(k)}, ${spec.upn(k)}, 'Bench user ' || k, ${roles},
           ${spec.districts ? spec.districts(k) : sql`'{}'::text[]`}, true
    from ${range}`.execute(db);
  if (!spec.personalChatsAt) return;
  const conversation = sql`'a:bench-personal-' || k`;
  await sql`
    insert into conversations (id, conversation_type, tenant_id, name, user_teams_id, reference)
    select ${conversation}, 'personal', ${BENCH_TENANT}, null, '29:' || ${spec.upn(k)},
      jsonb_build_object(
        'user', jsonb_build_object('id', '29:' || ${spec.upn(k)}, 'name', 'Bench user ' || k, 'aadObjectId', 'aad-' || ${spec.upn(k)}),
        'bot', ${JSON.stringify(BENCH_BOT)}::jsonb,
        'conversation', jsonb_build_object('id', ${conversation}, 'conversationType', 'personal', 'tenantId', ${BENCH_TENANT}::text),
        'channelId', 'msteams', 'serviceUrl', ${spec.personalChatsAt}::text, 'locale', 'en-GB')
    from ${range}`.execute(db);
}

/** A review channel (in the bench tenant) subscribed to every district. */
export async function seedReviewChannel(db: Kysely<Database>, id: string, serviceUrl: string): Promise<void> {
  const reference = {
    channelId: 'msteams',
    serviceUrl,
    conversation: { id, conversationType: 'channel', tenantId: BENCH_TENANT },
    bot: BENCH_BOT,
  };
  await db
    .insertInto('conversations')
    .values({
      id,
      conversation_type: 'channel',
      tenant_id: BENCH_TENANT,
      name: 'Hate crime reviews',
      user_teams_id: null,
      reference: JSON.stringify(reference),
    })
    .execute();
  await db.insertInto('review_subscriptions').values({ conversation_id: id, district: '*', created_by: null }).execute();
}

/** Where seeded reviews stand: `future` due 3 hours to 30 days ahead (nothing sent yet), `chased` 30 minutes overdue (prompt and chase sent). */
export type ReviewState = 'future' | 'chased';

/** Owners of seeded occurrence o, as UPN expressions. */
export interface Owners {
  oic: (o: Sql) => Sql;
  supervisor: (o: Sql) => Sql;
}

/**
 * Adds scheduled reviews [from, to) and the open occurrences they belong to (occurrence n / 4,
 * flagged up to a year before `now`, in `District 0`-`11`), in statements of `chunk` reviews.
 */
export async function seedSchedule(
  db: Kysely<Database>,
  range: { from: number; to: number },
  now: Date,
  state: ReviewState,
  owners: Owners,
  chunk = 100_000,
): Promise<void> {
  const kinds = sql.raw(`array[${KINDS.map((k) => `'${k.kind}'`).join(',')}]`);
  const roles = sql.raw(`array[${KINDS.map((k) => `'${k.owner}'`).join(',')}]`);
  const o = sql.ref('o');
  const i = sql.ref('i');
  // Future: due 180 min to 30 days ahead, next step the prompt 2 hours before. Chased: due 30 min ago, next step 24 hours after the deadline.
  const due =
    state === 'future'
      ? sql`${now}::timestamptz + interval '1 minute' * (180 + (i::bigint * 7919) % 43020)`
      : sql`${now}::timestamptz - interval '30 minutes'`;
  const [step, next] = state === 'future' ? [0, sql`interval '-2 hours'`] : [2, sql`interval '24 hours'`];
  for (let a = range.from; a < range.to; a += chunk) {
    const b = Math.min(range.to, a + chunk);
    await sql`
      insert into occurrences (id, source, reference, recorded_as, offence, strands, flagged_at, allocated_at, district, status, content_hash, oic_upn, supervisor_upn)
      select ${occurrenceUuid(o)}, 'rms', 'BENCH/' || o, case when o % 8 = 0 then 'nchi' else 'crime' end, case when o % 8 = 0 then null else 'Harassment' end,
             array['race'], ${now}::timestamptz - interval '1 hour' * (o % 8000), ${now}::timestamptz - interval '1 hour' * (o % 8000),
             'District ' || (o % ${DISTRICTS}), 'open', md5(o::text), ${owners.oic(o)}, ${owners.supervisor(o)}
      from generate_series(${Math.floor(a / PER_OCCURRENCE)}::int, ${Math.ceil(b / PER_OCCURRENCE) - 1}::int) o
      on conflict do nothing`.execute(db);
    await sql`
      insert into scheduled_reviews (id, occurrence_id, kind, seq, owner_role, due_at, step, next_step_at)
      select ${reviewUuid(i)}, ${occurrenceUuid(sql`i / ${PER_OCCURRENCE}`)}, (${kinds})[(i % ${PER_OCCURRENCE}) + 1], 0, (${roles})[(i % ${PER_OCCURRENCE}) + 1], d.due, ${step}, d.due + ${next}
      from generate_series(${a}::int, ${b - 1}::int) i cross join lateral (select ${due} as due) d`.execute(db);
  }
}

/** The uuid expression of seeded review `n` (for set-wise updates). */
export const reviewUuidSql = reviewUuid;
