/**
 * Live updates seen in the last few seconds. A list whose fetch was already in flight when an
 * event arrived would otherwise lose it (the response is a snapshot from before the event), so
 * every fresh response gets the recent events applied again. The merges are idempotent.
 */
export class RecentEvents<T> {
  private items: { at: number; value: T }[] = [];
  private readonly windowMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(windowMs = 15_000, max = 500, now: () => number = Date.now) {
    this.windowMs = windowMs;
    this.max = max;
    this.now = now;
  }

  add(value: T): void {
    this.items.push({ at: this.now(), value });
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  /** Oldest first, so re-applying them replays history in order. */
  values(): T[] {
    const cutoff = this.now() - this.windowMs;
    this.items = this.items.filter((i) => i.at >= cutoff);
    return this.items.map((i) => i.value);
  }
}
