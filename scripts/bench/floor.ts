/**
 * The framework's floor for `npm run bench`: a bare teams-ai Application with one Action.Execute
 * handler returning a static card, on its own restify server with the bot's body parser and a
 * TeamsAdapter in local mode (no credentials) — the same stack as bot/app.ts, minus the bot.
 */
import { ConfigurationServiceClientCredentialFactory, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { AdaptiveCard } from '../../cards/card.js';

export const FLOOR_VERB = 'bench';

export interface FloorServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startFloor(staticCard: AdaptiveCard, maxBodySize: number): Promise<FloorServer> {
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
  app.adaptiveCards.actionExecute(FLOOR_VERB, async () => staticCard);
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
