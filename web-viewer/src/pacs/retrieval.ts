import type { JobState, PacsClient, Retrieval } from "./client";

/** Whether a job's state is final. */
export const finished = (state: JobState): boolean => state === "completed" || state === "partial" || state === "failed";

/** The instances a retrieval has brought (completed and with warnings: both stored), expected and failed, over its series. */
export function retrievalCounts(r: Retrieval): { done: number; expected: number; failed: number; seriesDone: number } {
  let done = 0, expected = 0, failed = 0, seriesDone = 0;
  for (const s of r.series) {
    done += s.completed + s.warning;
    expected += s.expected;
    failed += s.failed;
    if (finished(s.state)) seriesDone++;
  }
  return { done, expected, failed, seriesDone };
}

/** The study view's banner: "Retrieving from PACS NODE: 1 of 2 series, 40 of 120 instances", and how it ended. */
export function describeRetrieval(r: Retrieval): string {
  const c = retrievalCounts(r);
  const counts = r.series.length ? `${c.seriesDone} of ${r.series.length} series, ${c.done} of ${c.expected} instances` : "asking for its series";
  switch (r.state) {
    case "completed":
      return `Retrieved from PACS ${r.node}: ${counts}`;
    case "partial":
      return `Retrieved from PACS ${r.node}: ${counts}; ${c.failed} failed${r.error ? ` (${r.error})` : ""}`;
    case "failed":
      return `The retrieval from PACS ${r.node} failed: ${r.error ?? "no reason given"}`;
    default:
      return `Retrieving from PACS ${r.node}: ${counts}${r.attempts > 1 ? ` (attempt ${r.attempts})` : ""}`;
  }
}

/** A worklist row's status: "queued", "retrieving 40 of 120", "retrieved", "retrieved 118 of 120, 2 failed", "failed: …". */
export function retrievalStatus(r: Retrieval): string {
  const c = retrievalCounts(r);
  switch (r.state) {
    case "queued":
      return "queued";
    case "running":
      return `retrieving ${c.done} of ${c.expected}`;
    case "completed":
      return "retrieved";
    case "partial":
      return `retrieved ${c.done} of ${c.expected}, ${c.failed} failed`;
    case "failed":
      return `failed: ${r.error ?? "no reason given"}`;
  }
}

/**
 * Which of two snapshots of the same retrieval is the current one: a final state wins over an unfinished one (a late
 * poll answer must not undo it), otherwise the later `updatedAt`, and at equal times the one with more progress.
 */
export function newer(a: Retrieval, b: Retrieval): Retrieval {
  if (finished(a.state) !== finished(b.state)) return finished(a.state) ? a : b;
  const ta = Date.parse(a.updatedAt), tb = Date.parse(b.updatedAt);
  if (ta !== tb) return tb > ta ? b : a;
  return retrievalCounts(b).done + retrievalCounts(b).failed > retrievalCounts(a).done + retrievalCounts(a).failed ? b : a;
}

/**
 * Follows one retrieval: the activity feed's `retrieval` events go to `apply`; while it is unfinished it is also polled
 * every `pollMs` (`GET /api/retrievals/{id}`), so progress shows even without the feed. `onChange` gets each newer
 * snapshot; polling stops once the state is final or `stop` is called.
 */
export class RetrievalWatch {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly client: PacsClient,
    private current: Retrieval,
    private readonly onChange: (r: Retrieval) => void,
    private readonly pollMs = 2000,
  ) {
    onChange(current);
    this.schedule();
  }

  get retrieval(): Retrieval {
    return this.current;
  }

  /** Takes a snapshot in (from the feed or a poll); calls `onChange` when it is newer than the one held. */
  apply(r: Retrieval): void {
    if (this.stopped || r.id !== this.current.id) return;
    const next = newer(this.current, r);
    if (next === this.current) return;
    this.current = next;
    this.onChange(next);
    if (finished(next.state)) clearTimeout(this.timer);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped || finished(this.current.state)) return;
    this.timer = setTimeout(async () => {
      try {
        this.apply(await this.client.retrieval(this.current.id));
      } catch {
        // The next poll (or the feed) tells; a failing service shows as progress that stops.
      }
      this.schedule();
    }, this.pollMs);
  }
}
