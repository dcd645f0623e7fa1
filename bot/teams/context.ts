import type { TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Role, User } from '../../db/users/users.service.js';
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

/** The sender of the current activity and the roles in force for them. */
export interface Actor {
  user: User;
  roles: Role[];
  /** Audit actor label. */
  label: string;
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

/** Whether the actor holds any of the roles (admin holds every role). */
export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.includes('admin') || roles.some((r) => actor.roles.includes(r));
}
