import { describe, expect, it } from 'vitest';
import { renderActionCard } from '../../cards/action.card.js';
import { renderActionsListCard } from '../../cards/actions-list.card.js';
import { renderAssignForm } from '../../cards/assign-form.card.js';
import type { AdaptiveCard } from '../../cards/card.js';
import { renderDigestCard } from '../../cards/digest.card.js';
import { renderMeetingPackCard } from '../../cards/meeting-pack.card.js';
import { renderPromptCard } from '../../cards/prompt.card.js';
import { renderReviewCard } from '../../cards/review.card.js';
import { expandCard } from '../../cards/summary.card.js';

/** Issue 10 item 9: every card the bot sends stands on one skeleton, so Teams shows them alike. */
const now = new Date('2026-11-20T10:00:00Z');
const action = {
  id: 'a-1',
  ref: '1.1 a',
  objective: null,
  text: 'Deliver the schools assembly',
  pillar: 'prevention',
  status: 'in_progress',
  dueDate: null,
  ownerKind: 'person' as const,
  ownerAgency: null,
  ownerUpn: 'pc@force.police.uk',
  holderName: 'PC Leeds',
};
const occurrence = { reference: '13/700001/26', district: 'Leeds', recordedAs: 'crime' as const, strands: ['race'] };

const cards: Record<string, () => AdaptiveCard> = {
  action: () => renderActionCard({ detail: { action, updates: [] }, mode: 'view', now, editable: true }),
  'action (read only)': () => renderActionCard({ detail: { action, updates: [] }, mode: 'view', now, editable: false }),
  'actions list': () => renderActionsListCard({ title: 'Delivery plan', items: [{ action, updates: [] }], total: 1, now }),
  'assign form': () => renderAssignForm({ people: [], actorUserId: null }),
  digest: () =>
    renderDigestCard({
      scope: 'Leeds',
      since: now,
      now,
      flagged: [],
      flaggedTotal: 0,
      dueToday: [],
      overdueByOwner: [],
      overdueTotal: 0,
      highRiskOpen: [],
    }),
  'meeting pack': () =>
    renderMeetingPackCard({
      kind: 'tactical',
      title: 'Hate Crime Monthly Tactical Meeting',
      meeting: null,
      following: null,
      broughtForward: 0,
      sinceLabel: 'the last month',
      notUpdated: [],
      proposedDischarge: [],
      figures: { crime: 0, nchi: 0, thirdPartyAndOnline: 0, outcomes: { closed: 0, positive: 0 }, overdueActions: 0 },
      document: { url: 'http://localhost:3978/api/documents/x.docx', expiresAt: now },
    }),
  prompt: () =>
    renderPromptCard({
      scheduledReviewId: 's-1',
      title: 'Victim contact',
      ...occurrence,
      summary: null,
      dueAt: now,
      now,
      step: 'prompt',
      owner: 'PC Leeds',
      unreachable: false,
      outcomes: {
        label: 'How the contact went',
        choices: [{ title: 'Contacted', value: 'contacted' }],
        asksService: false,
        reasonHint: null,
      },
      status: 'pending',
      outcome: null,
      note: null,
      completedByName: null,
      completedAt: null,
      snoozedUntil: null,
    }),
  review: () =>
    renderReviewCard({
      occurrenceId: 'o-1',
      ...occurrence,
      source: 'rms',
      offence: 'Public order',
      locationType: null,
      flaggedAt: now,
      oic: null,
      supervisor: null,
      status: 'open',
      repeats: {
        victim: 0,
        suspect: 0,
        location: 0,
        windowMonths: 12,
        minOccurrences: 2,
        flagged: { victim: false, suspect: false, location: false },
      },
      checklist: [{ key: 'flag', label: 'Flag correct' }],
      review: null,
    }),
  summary: () => expandCard({ heading: 'Hate crime summary', sub: 'This month', notice: '', attention: [], sections: [], buttons: [] }),
};

describe('one card skeleton', () => {
  it.each(Object.keys(cards))(
    '%s: Adaptive Cards 1.5 with its schema, full width in Teams, a body, and actions only when it has buttons',
    (name) => {
      const card = cards[name]!();
      expect(card).toMatchObject({
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        msteams: { width: 'Full' },
      });
      expect(Array.isArray(card.body) && card.body.length > 0).toBe(true);
      if ('actions' in card) expect((card.actions as unknown[]).length).toBeGreaterThan(0);
    },
  );

  it('cards without buttons carry no empty actions list; those with buttons keep them', () => {
    expect(cards.digest!()).not.toHaveProperty('actions');
    // A reader who may not change the action still gets its history; the holder gets Update and Status too.
    expect((cards['action (read only)']!().actions as { title: string }[]).map((a) => a.title)).toEqual(['History']);
    expect(cards.action!().actions).toHaveLength(3);
    expect(cards['assign form']!().actions).toHaveLength(1);
  });
});
