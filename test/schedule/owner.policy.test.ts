/**
 * The one rule of a prompt's owner (db/schedule/owner.policy.ts): how the prompt names them, and
 * that an owner nobody can reach in Teams is covered by the district's review channels.
 */
import { describe, expect, it } from 'vitest';
import { ownerLabel, ownerUnreachable, ownerUpn, promptTargets } from '../../db/schedule/owner.policy.js';

const occ = {
  oic_upn: 'pc.1234@force.police.uk',
  oic_name: 'PC 1234 Officer',
  supervisor_upn: 'ps.5678@force.police.uk',
  supervisor_name: null,
  district: 'Leeds',
};

describe('a prompt owner', () => {
  it('is named as the prompt shows them, by UPN when the feed gave no name', () => {
    expect(ownerLabel('oic', occ)).toBe('PC 1234 Officer (OIC)');
    expect(ownerLabel('supervisor', occ)).toBe('ps.5678@force.police.uk (supervisor)');
    expect(ownerLabel('coordinator', occ)).toBe('Hate Crime Coordinator, Leeds');
    expect(ownerLabel('oic', { ...occ, oic_upn: null, oic_name: null })).toBe('not recorded (OIC)');
    expect(ownerUpn('supervisor', occ)).toBe('ps.5678@force.police.uk');
    expect(ownerUpn('coordinator', occ)).toBeNull();
  });

  it('who can be reached gets the prompt in their personal chat; nobody reachable sends it to the review channels, marked unreachable', () => {
    expect(promptTargets(['u1'], ['19:leeds@thread'])).toEqual([{ conversationId: 'user:u1', unreachable: false }]);
    expect(promptTargets([], ['19:leeds@thread', '19:hcc@thread'])).toEqual([
      { conversationId: '19:leeds@thread', unreachable: true },
      { conversationId: '19:hcc@thread', unreachable: true },
    ]);
    expect(ownerUnreachable('oic', [])).toBe(true);
    expect(ownerUnreachable('oic', ['u1'])).toBe(false);
    expect(ownerUnreachable('coordinator', [])).toBe(false);
  });
});
