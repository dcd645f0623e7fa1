/** Child process of `npm run bench` running the StrictConnector (forked by delivery.ts). */
import { serveParent } from './child.js';
import { StrictConnector, type Limits } from './strict-connector.js';

let connector: StrictConnector | null = null;

serveParent(
  {
    start: async (m: { limits: Limits }) => {
      connector = new StrictConnector(m.limits);
      await connector.start();
      return connector.url;
    },
    reset: (m: { limits?: Limits }) => connector?.reset(m.limits) ?? null,
    stats: () => connector?.snapshot() ?? null,
  },
  async () => connector?.stop(),
);
