/** One rate: at most `max` sends in any `windowMs`. */
export interface Rate {
  max: number;
  windowMs: number;
}

/**
 * Sliding-window pacing of proactive sends within Teams' limits (per conversation 7 a second and
 * 60 per 30 seconds; 50 a second per tenant; all configurable). In-process: with several
 * replicas each gets its own budget, and any 429 that follows is honoured through Retry-After.
 */
/**
 * Teams counts a send when it arrives; the pacer when it starts. Network jitter can put one send
 * more into an arrival window than the pacer saw, and each 429 costs at least a second of
 * Retry-After, so every window is held a little longer than its nominal length.
 */
export const WINDOW_MARGIN_MS = 100;

export class Pacer {
  private readonly log = new Map<string, number[]>();

  constructor(
    private readonly perConversation: readonly Rate[],
    private readonly perTenant: readonly Rate[],
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Milliseconds until a send to this conversation and tenant fits every window (0: now). */
  waitMs(conversationId: string, tenantId: string | null): number {
    const t = this.now();
    let wait = 0;
    const check = (key: string, rates: readonly Rate[]) => {
      const times = this.log.get(key) ?? [];
      for (const r of rates) {
        const windowMs = r.windowMs + WINDOW_MARGIN_MS;
        const inWindow = times.filter((x) => x > t - windowMs);
        if (inWindow.length >= r.max) wait = Math.max(wait, inWindow[inWindow.length - r.max]! + windowMs - t + 1);
      }
    };
    check(`c:${conversationId}`, this.perConversation);
    if (tenantId) check(`t:${tenantId}`, this.perTenant);
    return wait;
  }

  /** Milliseconds until this conversation's own limits allow a send (the tenant's not counted). */
  conversationWaitMs(conversationId: string): number {
    return this.waitMs(conversationId, null);
  }

  /** Waits until the send fits, then counts it. */
  async acquire(conversationId: string, tenantId: string | null): Promise<void> {
    for (;;) {
      const wait = this.waitMs(conversationId, tenantId);
      if (wait <= 0) break;
      await this.sleep(wait);
    }
    const t = this.now();
    const longest = (rates: readonly Rate[]) => Math.max(0, ...rates.map((r) => r.windowMs + WINDOW_MARGIN_MS));
    for (const [key, rates] of [
      [`c:${conversationId}`, this.perConversation],
      ...(tenantId ? [[`t:${tenantId}`, this.perTenant] as const] : []),
    ] as const) {
      const keep = (this.log.get(key) ?? []).filter((x) => x > t - longest(rates));
      keep.push(t);
      this.log.set(key, keep);
    }
  }
}
