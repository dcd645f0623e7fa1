import { ACTION_VERBS } from '../../../cards/actions.verbs.js';
import type { Feature } from '../feature.js';
import { handleAssignSubmit, handleStatusSubmit, handleUpdateSubmit } from './action-card.handlers.js';
import { parseActionCommand, USAGE } from './actions.commands.js';
import { runActionCommand } from './actions.handlers.js';
import { handleBatchPage, handleBatchUpdate } from './actions.batch.js';
import { handleHistoryPage, handleListPage } from './actions.paging.js';
import { runMeetingCommand } from './meetings.handlers.js';

/**
 * Delivery-plan actions and meetings (issue 4): `assign`, `action`, `actions`, `meeting`,
 * `meetings`, and the Update / Status / assign-form card actions.
 */
export const actionsFeature: Feature = {
  commands: [
    {
      words: ['assign', 'action', 'actions', 'meeting', 'meetings'],
      help: [
        `- ${USAGE.assign} (coordinators)`,
        `- ${USAGE.action} (the holder or a coordinator; \`discharge\`: the tactical lead, a manager)`,
        `- ${USAGE.actions} (\`actions mine\`: anyone; the rest: coordinators and managers)`,
        `- ${USAGE.meeting} (coordinators; packs also managers)`,
      ],
      async run(deps, ctx, text) {
        const cmd = parseActionCommand(text, deps.clock());
        if (cmd.name === 'invalid') {
          await ctx.sendActivity(`That command is not quite right: ${cmd.problem}. Nothing was saved.\n\nUse ${cmd.usage}.`);
          return;
        }
        if (cmd.name === 'schedule' || cmd.name === 'pack' || cmd.name === 'meetings') await runMeetingCommand(deps, ctx, cmd);
        else await runActionCommand(deps, ctx, cmd);
      },
    },
  ],
  cardActions: [
    { verb: ACTION_VERBS.update, handle: handleUpdateSubmit },
    { verb: ACTION_VERBS.status, handle: handleStatusSubmit },
    { verb: ACTION_VERBS.assign, handle: handleAssignSubmit },
    { verb: ACTION_VERBS.history, handle: handleHistoryPage },
    { verb: ACTION_VERBS.listPage, handle: handleListPage },
    { verb: ACTION_VERBS.batchUpdate, handle: handleBatchUpdate },
    { verb: ACTION_VERBS.batchPage, handle: handleBatchPage },
  ],
};
