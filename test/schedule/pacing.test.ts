import { describe, expect, it } from 'vitest';
import { Pacer, WINDOW_MARGIN_MS } from '../../bot/proactive/pacing.js';

/** A pacer on a fake clock: sleeping moves the clock; returns when each send went. */
function paced(perConversation: { max: number; windowMs: number }[], perTenant: { max: number; windowMs: number }[]) {
  let now = 0;
  const pacer = new Pacer(
    perConversation,
    perTenant,
    () => now,
    async (ms) => {
      now += ms;
    },
  );
  const sent: number[] = [];
  return {
    pacer,
    async send(conversation: string, tenant = 't1') {
      await pacer.acquire(conversation, tenant);
      sent.push(now);
    },
    sent,
  };
}

describe('pacing within Teams limits (per conversation 7/s and 60/30 s, per tenant 50/s)', () => {
  it('never lets more than 7 go to one conversation in any second (with a margin for jitter), nor 60 in 30 seconds', async () => {
    const p = paced(
      [
        { max: 7, windowMs: 1000 },
        { max: 60, windowMs: 30_000 },
      ],
      [{ max: 50, windowMs: 1000 }],
    );
    for (let i = 0; i < 70; i++) await p.send('c1');
    for (let i = 0; i < p.sent.length; i++) {
      expect(p.sent.filter((t) => t >= p.sent[i]! && t < p.sent[i]! + 1000 + WINDOW_MARGIN_MS).length).toBeLessThanOrEqual(7);
      expect(p.sent.filter((t) => t >= p.sent[i]! && t < p.sent[i]! + 30_000).length).toBeLessThanOrEqual(60);
    }
    expect(p.sent[7]).toBeGreaterThanOrEqual(1000 + WINDOW_MARGIN_MS); // the 8th waits out the first second
    expect(p.sent[60]).toBeGreaterThanOrEqual(30_000); // the 61st waits out the 30 seconds
  });

  it('holds the tenant to 50 a second across conversations, and tells how long a conversation must wait', async () => {
    const p = paced([{ max: 7, windowMs: 1000 }], [{ max: 50, windowMs: 1000 }]);
    for (let i = 0; i < 120; i++) await p.send(`c${i}`);
    for (const t of p.sent) expect(p.sent.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(50);
    const q = paced([{ max: 2, windowMs: 1000 }], []);
    await q.send('busy');
    await q.send('busy');
    expect(q.pacer.conversationWaitMs('busy')).toBeGreaterThan(1000);
    expect(q.pacer.conversationWaitMs('idle')).toBe(0);
  });
});
