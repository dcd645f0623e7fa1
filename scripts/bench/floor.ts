/**
 * The floor of the review submit for `npm run bench` (issue 11, item 1): a bare teams-ai
 * Application with one Action.Execute handler that does what a submit cannot do without (1 read
 * and 1 transaction: the occurrence's row lock and 3 inserts: the review, its decisions, the
 * audit entry) on the same database as the bot, then answers with a static card. On its own
 * restify server with the bot's body parser and a TeamsAdapter in local mode (no credentials):
 * the same stack as bot/app.ts, minus the bot.
 */
import { ConfigurationServiceClientCredentialFactory, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { Kysely } from 'kysely';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { AdaptiveCard } from '../../cards/card.js';
import type { Database } from '../../db/schema.js';

export const FLOOR_VERB = 'bench';

export interface FloorServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The floor's database work for one invoke: 1 read, then 1 transaction (row lock, 3 inserts). */
export async function floorWork(db: Kysely<Database>, occurrenceId: string): Promise<void> {
  await db.selectFrom('occurrences').select(['id', 'district', 'current_review_version']).where('id', '=', occurrenceId).executeTakeFirst();
  await db.transaction().execute(async (trx) => {
    const occ = await trx
      .selectFrom('occurrences')
      .select('current_review_version')
      .where('id', '=', occurrenceId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const version = occ.current_review_version + 1;
    const review = await trx
      .insertInto('reviews')
      .values({
        occurrence_id: occurrenceId,
        version,
        risk_grade: 'standard',
        risk_rationale: null,
        reviewer_user_id: null,
        reviewer_name: 'Floor',
        reviewed_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('review_decisions')
      .values(
        Array.from({ length: 8 }, (_, i) => ({
          review_id: review.id,
          item_key: `item_${i}`,
          item_label: `Item ${i}`,
          decision: 'yes',
          note: null,
        })),
      )
      .execute();
    await trx
      .insertInto('audit_log')
      .values({
        actor: 'system:bench',
        action: 'review.submitted',
        entity_type: 'occurrence',
        entity_id: occurrenceId,
        details: JSON.stringify({ version }),
      })
      .execute();
  });
}

/** Starts the floor: `db` given, each invoke first does floorWork on its `occurrenceId`; without, no database at all. */
export async function startFloor(staticCard: AdaptiveCard, maxBodySize: number, db?: Kysely<Database>): Promise<FloorServer> {
  const adapter = new TeamsAdapter(
    {} as ConfigurationBotFrameworkAuthenticationOptions,
    new ConfigurationServiceClientCredentialFactory({}),
  );
  const app = new Application<TurnState>({
    adapter,
    botAppId: '',
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });
  app.adaptiveCards.actionExecute(FLOOR_VERB, async (_ctx, _state, data) => {
    if (db) await floorWork(db, String((data as { occurrenceId?: unknown }).occurrenceId));
    return staticCard;
  });
  const server = restify.createServer({ name: 'bench-floor' });
  server.use(restify.plugins.bodyParser({ maxBodySize, mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (ctx) => {
      await app.run(ctx);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
