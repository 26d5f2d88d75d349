/**
 * The slice to fetch next: the one nearest `current` that is neither loaded nor in flight, looking one step ahead
 * before one step behind (so scrolling forward, the usual direction, is served first); -1 when none is left.
 */
export function nextToFetch(current: number, count: number, pending: (index: number) => boolean): number {
  if (current >= 0 && current < count && pending(current)) return current;
  for (let step = 1; step < count; step++) {
    const ahead = current + step;
    const behind = current - step;
    if (ahead >= count && behind < 0) break;
    if (ahead < count && pending(ahead)) return ahead;
    if (behind >= 0 && pending(behind)) return behind;
  }
  return -1;
}

/** The whole fetch order from `start` outward (what {@link nextToFetch} gives when nothing else moves). */
export function fetchOrder(start: number, count: number): number[] {
  const taken = new Uint8Array(count);
  const order: number[] = [];
  for (let next = nextToFetch(start, count, (i) => !taken[i]); next !== -1; next = nextToFetch(start, count, (i) => !taken[i])) {
    taken[next] = 1;
    order.push(next);
  }
  return order;
}
