import type { Retrieval } from "../pacs/client";

/** The events of the activity feed (`GET /api/activity`, server-sent events), by their `event:` name. */
export interface ActivityEvents {
  received: { study: string; series: string; received: number };
  indexed: { study: string; series: string; instances: number };
  stable: { study: string; series: string; instances: number };
  thumbnail: { study: string; series: string };
  volume: { study: string; series: string };
  deleted: { study: string; series: string };
}

export type ActivityName = keyof ActivityEvents;
export type ActivityHandler = <K extends ActivityName>(name: K, data: ActivityEvents[K]) => void;

const names: ActivityName[] = ["received", "indexed", "stable", "thumbnail", "volume", "deleted"];

/**
 * Subscribes to the activity feed, for one study or (no `study`) all: the series events to `handler`, the retrieval jobs'
 * (`retrieval` events, the PACS service's RetrievalChanged) to `onRetrieval`. EventSource reconnects by itself after a
 * dropped connection; the returned function closes it.
 */
export function subscribeActivity(url: string, study: string | undefined, handler: ActivityHandler, onRetrieval?: (retrieval: Retrieval) => void): () => void {
  const source = new EventSource(study ? `${url}?StudyInstanceUID=${encodeURIComponent(study)}` : url, { withCredentials: true });
  if (onRetrieval) {
    source.addEventListener("retrieval", (event) => {
      try {
        onRetrieval(JSON.parse((event as MessageEvent<string>).data) as Retrieval);
      } catch {
        // Skipped like a malformed series event: the next one (or the poll) carries the whole job again.
      }
    });
  }
  for (const name of names) {
    source.addEventListener(name, (event) => {
      try {
        handler(name, JSON.parse((event as MessageEvent<string>).data) as ActivityEvents[typeof name]);
      } catch {
        // A malformed event is skipped; the next one carries the current counts again.
      }
    });
  }
  return () => source.close();
}

/** How far a study's series have arrived: instances received and indexed, per series, and which are stable. */
export class StudyProgress {
  private readonly received = new Map<string, number>();
  private readonly indexed = new Map<string, number>();
  private readonly stable = new Set<string>();

  /** Takes an event in; true when it changed the counts. */
  apply<K extends ActivityName>(name: K, data: ActivityEvents[K]): boolean {
    const series = data.series;
    switch (name) {
      case "received":
        this.received.set(series, Math.max(this.received.get(series) ?? 0, (data as ActivityEvents["received"]).received));
        this.stable.delete(series);
        return true;
      case "indexed":
        // Batches can be announced out of order; only a deletion lowers a count.
        this.indexed.set(series, Math.max(this.indexed.get(series) ?? 0, (data as ActivityEvents["indexed"]).instances));
        return true;
      case "stable":
        this.indexed.set(series, (data as ActivityEvents["stable"]).instances);
        this.stable.add(series);
        return true;
      case "deleted":
        this.received.delete(series);
        this.indexed.delete(series);
        this.stable.delete(series);
        return true;
      default:
        return false;
    }
  }

  get totalReceived(): number {
    return [...this.received.values()].reduce((a, b) => a + b, 0);
  }

  get totalIndexed(): number {
    return [...this.indexed.values()].reduce((a, b) => a + b, 0);
  }

  /** The instances of a series the index holds, as far as this progress knows. */
  indexedOf(series: string): number {
    return this.indexed.get(series) ?? 0;
  }

  /** Seeds a series' indexed count from a search (the feed only tells what changes after connecting). */
  seedIndexed(series: string, instances: number): void {
    this.indexed.set(series, Math.max(this.indexed.get(series) ?? 0, instances));
  }

  /** Whether some series has instances received and not yet indexed. */
  get arriving(): boolean {
    return [...this.received].some(([s, n]) => !this.stable.has(s) && n > (this.indexed.get(s) ?? 0));
  }

  /** "received N · indexed M", the words of the banner and the worklist rows. */
  describe(): string {
    return `received ${this.totalReceived} · indexed ${this.totalIndexed}`;
  }
}
