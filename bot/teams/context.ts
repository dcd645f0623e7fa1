import type { TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Actor as AccessActor } from '../../db/access/access.service.js';
import type { User } from '../../db/users/users.service.js';
import type { Database } from '../../db/schema.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** What every handler may use; built once in the composition root. */
export interface BotDeps {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  logger: Logger;
  /** Asks the outbox dispatcher to send now. */
  kickOutbox: () => void;
}

/** The sender of the current activity: the access rule's actor (roles and districts in force) and their user record. */
export interface Actor extends AccessActor {
  user: User;
}

const ACTOR_KEY = 'hcc.actor';

/** Stores the actor for the rest of the turn. */
export function setActor(ctx: TurnContext, actor: Actor): void {
  ctx.turnState.set(ACTOR_KEY, actor);
}

/** The actor learnt at the start of the turn. @throws Error when called before the turn started */
export function getActor(ctx: TurnContext): Actor {
  const a = ctx.turnState.get(ACTOR_KEY) as Actor | undefined;
  if (!a) throw new Error('actor not resolved for this turn');
  return a;
}
