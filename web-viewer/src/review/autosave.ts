/** What the findings panel says about saving: "Saved", "Saving…" or the error. */
export type SaveState = { kind: "saved" } | { kind: "saving" } | { kind: "error"; error: unknown };

/**
 * Saves a value some time after its last change (a debounce, `delayMs`), one save at a time: a change while a save is
 * on its way is saved after it, never in parallel (the later value always lands last). `flush` saves a pending change
 * now (leaving the page, "Mark done").
 */
export class Autosave<T> {
  private pending: { value: T } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly save: (value: T) => Promise<unknown>,
    private readonly onState: (state: SaveState) => void,
    private readonly delayMs = 800,
  ) {}

  /** Whether a change is waiting or being saved. */
  get busy(): boolean {
    return this.pending !== undefined || this.running !== undefined;
  }

  /** Takes a changed value: it is saved `delayMs` after the last change. */
  change(value: T): void {
    this.pending = { value };
    this.onState({ kind: "saving" });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Saves the pending change now (after a save on its way); resolves when nothing is left to save. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    const next = this.pending;
    if (!next) return;
    this.pending = undefined;
    this.running = this.run(next.value);
    await this.running;
  }

  /** Forgets a pending change (the page is left without saving it). */
  cancel(): void {
    clearTimeout(this.timer);
    this.pending = undefined;
  }

  private async run(value: T): Promise<void> {
    try {
      await this.save(value);
      if (!this.pending) this.onState({ kind: "saved" });
    } catch (error) {
      if (!this.pending) this.onState({ kind: "error", error });
    } finally {
      this.running = undefined;
    }
  }
}
