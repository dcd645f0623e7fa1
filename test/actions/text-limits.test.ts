import { describe, expect, it } from 'vitest';
import { parseActionCommand } from '../../bot/teams/actions/actions.commands.js';
import { actionUpdateSubmitSchema, assignSubmitSchema } from '../../cards/actions.verbs.js';
import { renderAssignForm } from '../../cards/assign-form.card.js';
import { parsePlanCsv } from '../../db/actions/plan-csv.js';

// One table of text limits: the form's maxLength, the command, the card's submit schema and the
// plan CSV accept the same longest action and update, and refuse one character more.
const now = new Date('2026-11-20T10:00:00Z');
const HEADER = 'ref,objective,action,pillar,owner,status,due,update';
const csvRow = (action: string, update = '') =>
  parsePlanCsv(`${HEADER}\n1.1 a,,${action},prevention,TVP,,,${update}\n`).issues.map((i) => `${i.path}: ${i.message}`);
const inputs = (card: unknown): { id: string; maxLength?: number }[] =>
  JSON.stringify(card)
    .match(/\{[^{}]*"type":"Input\.Text"[^{}]*\}/g)!
    .map((s) => JSON.parse(s));

describe('one table of text limits', () => {
  const form = inputs(renderAssignForm({ people: [], actorUserId: null }));
  const longest = form.find((i) => i.id === 'text')!.maxLength!;
  const id = '00000000-0000-4000-8000-000000000000';

  it("an action of the form's longest text is accepted by the command, the card and the plan CSV; one more is refused by all three", () => {
    expect(longest).toBe(1000);
    const ok = 'x'.repeat(longest);
    expect(parseActionCommand(`assign ${ok} to me`, now).name).toBe('assign');
    expect(assignSubmitSchema.safeParse({ text: ok }).success).toBe(true);
    expect(csvRow(ok)).toEqual([]);
    const over = `${ok}y`;
    expect(parseActionCommand(`assign ${over} to me`, now)).toMatchObject({
      name: 'invalid',
      problem: 'the action text is at most 1,000 characters',
    });
    expect(assignSubmitSchema.safeParse({ text: over }).error?.issues[0]?.message).toBe('the action is at most 1,000 characters');
    expect(csvRow(over)).toEqual(['line 2.action: is at most 1,000 characters']);
  });

  it('an update: 4,000 characters in Teams and in the plan CSV, one more refused by each', () => {
    const ok = 'u'.repeat(4000);
    expect(parseActionCommand(`action 1.1 a update ${ok}`, now).name).toBe('change');
    expect(actionUpdateSubmitSchema.safeParse({ actionId: id, updateText: ok }).success).toBe(true);
    expect(csvRow('Brief the NPTs', ok)).toEqual([]);
    const over = `${ok}v`;
    expect(parseActionCommand(`action 1.1 a update ${over}`, now)).toMatchObject({
      name: 'invalid',
      problem: 'an update is at most 4,000 characters',
    });
    expect(actionUpdateSubmitSchema.safeParse({ actionId: id, updateText: over }).success).toBe(false);
    expect(csvRow('Brief the NPTs', over)).toEqual(['line 2.update: is at most 4,000 characters']);
  });

  it('the assign form limits its other boxes as the plan CSV does (objective 500, agency 100)', () => {
    expect(Object.fromEntries(form.map((i) => [i.id, i.maxLength]))).toMatchObject({ agency: 100, objective: 500, ref: 20 });
    expect(
      parsePlanCsv(`${HEADER}\n1.1 a,${'o'.repeat(501)},Brief the NPTs,prevention,${'A'.repeat(101)},,,\n`).issues.map(
        (i) => `${i.path}: ${i.message}`,
      ),
    ).toEqual(['line 2.objective: is at most 500 characters', 'line 2.owner: is at most 100 characters']);
  });

  it("a plan row's due date takes every form that names its year, as `1 Dec 2026`", () => {
    const rows = parsePlanCsv(
      `${HEADER}\n1.1 a,,Brief the NPTs,prevention,TVP,,1 Dec 2026,\n1.1 b,,Brief the PCSOs,prevention,TVP,,1/12/26,\n1.1 c,,Brief the PCs,prevention,TVP,,tomorrow,\n`,
    );
    expect(rows.rows.map((r) => r.due)).toEqual(['2026-12-01', '2026-12-01']);
    expect(rows.issues).toEqual([{ path: 'line 4.due', message: '"tomorrow" is not a date: write 2026-12-01 (or 1/12/2026, 1 Dec 2026)' }]);
  });
});
