/** One rate: at most `max` sends in any `windowMs`. */
export interface Rate {
  max: number;
  windowMs: number;
}

/** A send the pacer counted; `done()` when its answer arrived (or it failed). */
export interface Permit {
  done(): void;
}

/** One counted send: when it started, and when its answer came back (Infinity while in flight). */
interface Send {
  start: number;
  end: number;
}

/**
 * Held on top of every window: timers and the two sides' clocks tick in whole milliseconds, so a
 * send exactly one window after another's answer could still share Teams' window with it.
 */
export const WINDOW_MARGIN_MS = 2;

/** A send whose answer never came back (its permit not released) counts as answered this long after it started. */
const IN_FLIGHT_MAX_MS = 30_000;

/**
 * The soonest a send stops holding its place in a window of `windowMs`, as known at `t`: one
 * still in flight leaves no sooner than a window after now (its answer may come any moment).
 */
const leaves = (s: Send, windowMs: number, t: number) => Math.min(s.end, t, s.start + IN_FLIGHT_MAX_MS) + windowMs + WINDOW_MARGIN_MS;

/**
 * Pacing of proactive sends within Teams' limits (per conversation 7 a second and 60 per 30
 * seconds; 50 a second per tenant; all configurable), steady at the limit and without a 429.
 *
 * Teams counts a send when it arrives, somewhere between the moment the bot starts it and the
 * moment its answer is back. So a send stays in its windows from its start until `windowMs`
 * after its answer: a new send then starts (and arrives) at least `windowMs` after every earlier
 * one Teams could still count, whatever the network and event-loop delays were. The price is one
 * round trip per window (about 1-2 % at 50 a second), not a fixed safety margin.
 *
 * In-process: with several replicas each gets its own budget, and any 429 that follows is
 * honoured through Retry-After.
 */
export class Pacer {
  private readonly log = new Map<string, Send[]>();

  constructor(
    private readonly perConversation: readonly Rate[],
    private readonly perTenant: readonly Rate[],
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Milliseconds until a send to this conversation and tenant fits every window (0: now). */
  waitMs(conversationId: string | null, tenantId: string | null): number {
    const t = this.now();
    let wait = 0;
    const check = (key: string, rates: readonly Rate[]) => {
      const sends = this.prune(key, rates, t);
      for (const r of rates) {
        if (sends.length < r.max) continue;
        // Sends still counted at t, soonest to leave first; the new one fits once all but max-1 have left.
        const leaving = sends.map((s) => leaves(s, r.windowMs, t)).sort((a, b) => a - b);
        const counted = leaving.filter((x) => x > t);
        if (counted.length >= r.max) wait = Math.max(wait, counted[counted.length - r.max]! - t + 1);
      }
    };
    if (conversationId !== null) check(`c:${conversationId}`, this.perConversation);
    if (tenantId) check(`t:${tenantId}`, this.perTenant);
    return wait;
  }

  /** Milliseconds until this conversation's own limits allow a send (the tenant's not counted). */
  conversationWaitMs(conversationId: string): number {
    return this.waitMs(conversationId, null);
  }

  /** Waits until the send fits, then counts it from now; call `done()` on the permit when its answer is back. */
  async acquire(conversationId: string | null, tenantId: string | null): Promise<Permit> {
    for (;;) {
      const wait = this.waitMs(conversationId, tenantId);
      if (wait <= 0) break;
      // A wait behind a send in flight is its least: look again then, the answer will have come.
      await this.sleep(wait);
    }
    const send: Send = { start: this.now(), end: Infinity };
    if (conversationId !== null) this.record(`c:${conversationId}`, send);
    if (tenantId) this.record(`t:${tenantId}`, send);
    return {
      done: () => {
        send.end = this.now();
      },
    };
  }

  private record(key: string, send: Send): void {
    const sends = this.log.get(key);
    if (sends) sends.push(send);
    else this.log.set(key, [send]);
  }

  /** The key's sends still inside its longest window at t (older ones are dropped). */
  private prune(key: string, rates: readonly Rate[], t: number): Send[] {
    const sends = this.log.get(key);
    if (!sends) return [];
    const longest = Math.max(0, ...rates.map((r) => r.windowMs));
    const live = sends.filter((s) => leaves(s, longest, t) > t);
    if (live.length !== sends.length) {
      if (live.length) this.log.set(key, live);
      else this.log.delete(key);
    }
    return live;
  }
}
