/**
 * The keys of a Map in insertion order, for deleting the oldest entry in O(1). Finding it with
 * `map.keys().next()` steps over every slot that earlier deletes left in the Map until V8
 * compacts it. On a 2-vCPU VM that took 4.5 µs per eviction at 10,000 entries and 39 µs at
 * 200,000, against 0.25 µs here.
 */
export class EvictionQueue<K> {
  private keys: K[] = [];
  private head = 0;

  /** Records a key just added to the map. Each key must be pushed once. */
  push(key: K): void {
    this.keys.push(key);
  }

  /** Deletes the oldest key that is still in `map`. Keys deleted by other means are skipped. */
  evictOldest(map: Map<K, unknown>): void {
    while (this.head < this.keys.length) {
      const key = this.keys[this.head] as K;
      this.head += 1;
      if (map.delete(key)) break;
    }
    // Drop the used front once it is longer than the rest, so the array stays near the map's size.
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
  }

  /** Starts again from the map's keys, after a sweep deleted many of them. */
  reset(map: Map<K, unknown>): void {
    this.keys = [...map.keys()];
    this.head = 0;
  }
}
