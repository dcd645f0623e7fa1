import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_VERBS } from '../../cards/actions.verbs.js';
import { ME_COMMANDS } from '../../bot/teams/message-extension.js';
import { extraChecks, fillTemplate, main as packageManifest, placeholderValues } from '../../scripts/package-manifest.js';
import { bootHarness, channel, occurrence, type Harness } from '../helpers/harness.js';
import { knownUser, nextSeq, people, say, type Participant } from '../helpers/teams.js';

const leedsHcc = { ...people.coordinator, upn: 'hcc.leeds@force.police.uk' };
const bradfordHcc = { id: '29:bradford', aadObjectId: 'aad-bradford', name: 'Bea Bradford', upn: 'hcc.bradford@force.police.uk' };
const partner = { ...people.officer, upn: 'housing@council.example' };

/** A composeExtension invoke as Teams sends it from the compose box of the review channel. */
function invoke(name: string, value: Record<string, unknown>, from: Participant) {
  return { type: 'invoke', name, id: `inv-${nextSeq()}`, from, recipient: people.bot, conversation: channel, value };
}
const query = (commandId: string, parameter: string, text: string, from: Participant) =>
  invoke(
    'composeExtension/query',
    { commandId, parameters: [{ name: parameter, value: text }], queryOptions: { skip: 0, count: 25 } },
    from,
  );

describe('message extension: find and insert cards from the compose box (issue 12 item 9)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function setUp() {
    h = await bootHarness();
    await knownUser(h, leedsHcc, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, bradfordHcc, { roles: ['coordinator'], districts: ['Bradford'], onRoster: true });
    await knownUser(h, partner, { roles: ['partner'], districts: ['Leeds'], onRoster: true });
    const res = await h.ingest(occurrence({ reference: '13/204518/26' }));
    expect(res.status).toBe(201);
    return res.body.results[0].id as string;
  }

  it('an occurrence found by part of its reference is inserted as its read-only card, without identities; both audited', async () => {
    const id = await setUp();
    const found = await h.send(query('findOccurrence', 'reference', '204518', leedsHcc));
    expect(found.status).toBe(200);
    const result = found.body.composeExtension;
    expect(result.type).toBe('result');
    expect(result.attachments).toHaveLength(1);
    expect(result.attachments[0].preview.content.title).toBe('13/204518/26');
    expect(result.attachments[0].preview.content.text).toBe('Crime · Leeds · Race · flagged 20 Nov 2026 · awaiting HCC review');
    const tap = result.attachments[0].preview.content.tap;
    expect(tap).toEqual({ type: 'invoke', value: { kind: 'occurrence', id } });

    const picked = await h.send(invoke('composeExtension/selectItem', tap.value, leedsHcc));
    const card = picked.body.composeExtension.attachments[0].content;
    const text = JSON.stringify(card);
    expect(text).toContain('Hate crime · 13/204518/26');
    expect(text).toContain('Racially or religiously aggravated harassment');
    expect(text).toContain('Awaiting HCC review');
    expect(text).not.toContain('Action.Execute'); // read-only
    for (const secret of ['P-V', 'P-S', 'racist abuse']) expect(text).not.toContain(secret);

    const audit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', 'in', ['search.results', 'card.disclosed'])
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['search.results', 'card.disclosed']);
    expect(audit[0]!.details).toMatchObject({ query: '204518', shown: [id], withheld: 0, conversationId: channel.id });
    expect(audit[1]!.details).toMatchObject({ reason: 'message extension', conversationId: channel.id });
  });

  it('a coordinator of another district finds nothing and cannot insert it; a partner is refused; all audited', async () => {
    const id = await setUp();
    const found = await h.send(query('findOccurrence', 'reference', '13/204518/26', bradfordHcc));
    expect(found.body.composeExtension).toEqual({
      type: 'message',
      text: 'No occurrence you may see has a reference containing "13/204518/26".',
    });
    const forced = await h.send(invoke('composeExtension/selectItem', { kind: 'occurrence', id }, bradfordHcc));
    expect(forced.body.composeExtension.type).toBe('message');
    expect(forced.body.composeExtension.text).toContain(
      'only the OIC, or a supervisor, coordinator or manager for Leeds, can see this occurrence',
    );
    expect(JSON.stringify(forced.body)).not.toContain('aggravated harassment');
    const byPartner = await h.send(query('findOccurrence', 'reference', '204518', partner));
    expect(byPartner.body.composeExtension.text).toContain('occurrence details are for police users');

    const audit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', 'in', ['search.results', 'access_refused', 'card.disclosed'])
      .execute();
    expect(audit.filter((a) => a.action === 'card.disclosed')).toHaveLength(0);
    expect(audit.filter((a) => a.action === 'access_refused')).toHaveLength(2);
    expect(audit.find((a) => a.action === 'search.results')!.details).toMatchObject({ shown: [], withheld: 1 });
  });

  it('actions are found by ref or by words, only those the user may see, and inserted read-only', async () => {
    await setUp();
    const csv =
      'ref,objective,action,pillar,owner,status,due,update\n' +
      '1.1 a,Reporting,Publish the third party reporting centre list,increasing_reporting,hcc.leeds@force.police.uk,in_progress,,\n' +
      '2.4 b,Victims,Review the victim leaflet,supporting_victims,hcc.leeds@force.police.uk,not_started,,\n' +
      '3.1 a,Housing,Add reporting routes to the tenancy pack,increasing_reporting,Leeds City Council,in_progress,,\n';
    // The partner is the council's contact on the roster: the council's action is theirs to answer for.
    await h.db.updateTable('users').set({ agency: 'Leeds City Council' }).where('upn', '=', partner.upn).execute();
    const imported = await fetch(`${h.bot.url}/api/imports/actions`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: 'Bearer test-ingest-key-0123456789' },
      body: csv,
    });
    expect(imported.status).toBe(200);
    const byRef = await h.send(query('findAction', 'query', '1.1', leedsHcc));
    expect(byRef.body.composeExtension.attachments.map((a: any) => a.preview.content.title)).toEqual(['1.1 a · In progress']);
    const byWords = await h.send(query('findAction', 'query', 'reporting centre LIST', leedsHcc));
    expect(byWords.body.composeExtension.attachments).toHaveLength(1);
    const tap = byWords.body.composeExtension.attachments[0].preview.content.tap;
    const picked = await h.send(invoke('composeExtension/selectItem', tap.value, leedsHcc));
    const card = JSON.stringify(picked.body.composeExtension.attachments[0].content);
    expect(card).toContain('Publish the third party reporting centre list');
    // Read-only: nothing on the inserted copy changes the action (History only reads, access-checked per viewer).
    expect(card).not.toContain(ACTION_VERBS.update);
    expect(card).not.toContain(ACTION_VERBS.status);
    // The partner finds only the council's action, as its roster contact; neither of the police's.
    const byPartner = await h.send(query('findAction', 'query', 'reporting', partner));
    expect(byPartner.body.composeExtension.attachments.map((a: any) => a.preview.content.title)).toEqual(['3.1 a · In progress']);
    const disclosed = await h.db.selectFrom('audit_log').select('action').where('action', '=', 'action.disclosed').execute();
    expect(disclosed).toHaveLength(1);
  });

  it('the first opening asks what to look for', async () => {
    await setUp();
    const opened = await h.send(
      invoke('composeExtension/query', { commandId: 'findOccurrence', parameters: [{ name: 'initialRun', value: 'true' }] }, leedsHcc),
    );
    expect(opened.body.composeExtension).toEqual({
      type: 'message',
      text: 'Type an occurrence reference, or part of one, e.g. 13/204518/26.',
    });
  });
});

describe('the Teams manifest (npm run package)', () => {
  const manifest = () => {
    const errors: string[] = [];
    const text = fillTemplate(readFileSync('manifest/manifest.template.json', 'utf8'), placeholderValues({}).values, errors);
    expect(errors).toEqual([]);
    return JSON.parse(text) as Record<string, any>;
  };

  it('validates against the bundled schema and Teams limits, and lists the message extension the bot answers', async () => {
    expect(await packageManifest()).toBe(0);
    const m = manifest();
    const commands = m.composeExtensions[0].commands as { id: string; parameters: { name: string }[] }[];
    expect(commands.map((c) => [c.id, c.parameters.map((p) => p.name)])).toEqual(
      Object.values(ME_COMMANDS).map((c) => [c.id, [c.parameter]]),
    );
    const tooMany = { ...m, bots: [{ commandLists: [{ commands: Array.from({ length: 11 }, (_, i) => ({ title: `c${i}` })) }] }] };
    const errors: string[] = [];
    extraChecks(tooMany, errors);
    expect(errors).toContain('/bots/0/commandLists/0/commands has 11 commands; Teams shows at most 10');
  });

  it('every listed command, in each scope, is one the bot understands; digest now and endorsement are in every scope', async () => {
    const lists = manifest().bots[0].commandLists as { scopes: string[]; commands: { title: string }[] }[];
    expect(lists.map((l) => l.scopes[0])).toEqual(['personal', 'team', 'groupChat']);
    for (const l of lists)
      expect(l.commands.map((c) => c.title)).toEqual(expect.arrayContaining(['help', 'digest now', 'endorsement', 'review']));
    const h = await bootHarness();
    try {
      const titles = new Set(lists.flatMap((l) => l.commands.map((c) => c.title)));
      for (const title of titles) expect((await say(h, title)).text, title).not.toContain("I don't know");
    } finally {
      await h.close();
    }
  });
});
