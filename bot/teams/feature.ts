import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card.js';
import type { BotDeps } from './context.js';

/** A chat command contributed by a feature (actions, summaries). */
export interface FeatureCommand {
  /** First words (lower case) that select this command, e.g. `assign`, `actions`, `summary`. */
  words: readonly string[];
  /** Lines for `help`, e.g. "- `assign <text> to @person …` – …". */
  help: readonly string[];
  /** Runs the command; `text` is the whole command text with the bot's mention removed. */
  run(deps: BotDeps, ctx: TurnContext, text: string): Promise<void>;
}

/** A card action (Action.Execute verb, with the Action.Submit fallback) contributed by a feature. */
export interface FeatureCardAction {
  verb: string;
  /** Returns the card that replaces the submitted one, or a message. */
  handle(deps: BotDeps, ctx: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCard | string>;
}

/** What a feature adds to the Teams app. */
export interface Feature {
  commands: readonly FeatureCommand[];
  cardActions: readonly FeatureCardAction[];
}
