import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDORSEMENT_TEMPLATE, nchiWording, renderEndorsement, type EndorsementInput } from '../../db/reviews/endorsement.js';

const input = (reviewedAt: string, overrides: Partial<EndorsementInput> = {}): EndorsementInput => ({
  reference: '13/204518/26',
  recordedAs: 'crime',
  offence: 'Public order',
  strands: ['race', 'sexual_orientation'],
  district: 'Leeds',
  oic: { upn: 'pc@force.police.uk', name: 'PC 1234 Officer' },
  supervisor: { upn: 'ds@force.police.uk', name: null },
  review: {
    version: 2,
    riskGrade: 'standard',
    riskRationale: null,
    reviewerName: 'Alex Wilber',
    reviewedAt: new Date(reviewedAt),
    decisions: [
      { itemKey: 'flag_strands', itemLabel: 'Hate flag set', decision: 'no', note: 'Add the sexual orientation strand' },
      { itemKey: 'victims_code', itemLabel: "Victims' Code", decision: 'no', note: 'Offer the VPS' },
      { itemKey: 'local_item', itemLabel: 'Local check', decision: 'no', note: 'Check the CCTV' },
      { itemKey: 'victim_contact_24h', itemLabel: 'Victim contacted', decision: 'no', note: 'Call today' },
    ],
  },
  followUps: [],
  ...overrides,
});

describe('endorsement text (pure)', () => {
  it('due dates skip weekends and England and Wales bank holidays, in London time', () => {
    // Reviewed Thursday 24 December 2026: Christmas Day, the weekend and Boxing Day's substitute (Mon 28) are skipped.
    const text = renderEndorsement(DEFAULT_ENDORSEMENT_TEMPLATE, input('2026-12-24T16:00:00Z'));
    expect(text).toContain('Add the sexual orientation strand - by OIC (PC 1234 Officer), due Tue 29 Dec 2026 (1 working day)');
    expect(text).toContain('Offer the VPS - by OIC (PC 1234 Officer), due Wed 30 Dec 2026 (2 working days)');
    // A force's own item: the OIC within 2 working days. A supervisor the feed names without a name: the UPN.
    expect(text).toContain('Check the CCTV - by OIC (PC 1234 Officer), due Wed 30 Dec 2026 (2 working days)');
    expect(text).toContain('Call today - by Supervisor (ds@force.police.uk), due Tue 29 Dec 2026 (1 working day)');
    expect(text).toContain('Strands: Race, Sexual orientation.');
    expect(text).toContain('Reviewed by Alex Wilber, Thu 24 Dec 2026, 16:00 GMT (re-grade 1).');
    expect(text).toContain('Risk grade: STANDARD. Rationale: none given');
  });

  it('a review in British Summer Time says BST; the follow-up tasks are listed once they exist', () => {
    const text = renderEndorsement(
      DEFAULT_ENDORSEMENT_TEMPLATE,
      input('2026-06-19T10:00:00Z', {
        followUps: [{ title: 'MARAC referral considered', ownerText: 'HCC', dueAt: new Date('2026-06-22T10:00:00Z'), status: 'open' }],
      }),
    );
    expect(text).toContain('Fri 19 Jun 2026, 11:00 BST');
    expect(text).toContain('Follow-up tasks: 1\n  - MARAC referral considered: HCC, due Mon 22 Jun 2026 (open)');
  });

  it('NCHI wording: complainant and subject, no crime', () => {
    expect(nchiWording("Victims' Code: victim support referral offered")).toBe('Complainant support: support service referral offered');
    expect(nchiWording('Repeat victim, repeat offender and repeat location checked')).toBe(
      'Repeat complainant, repeat subject and repeat location checked',
    );
    expect(nchiWording('Suspects named; one crime per victim')).toBe('Subjects named; one incident per complainant');
  });
});
