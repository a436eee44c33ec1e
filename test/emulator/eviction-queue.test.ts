import { describe, expect, it } from 'vitest';
import { EvictionQueue } from '../../src/emulator/eviction-queue.js';

function filled(count: number): { map: Map<number, string>; queue: EvictionQueue<number> } {
  const map = new Map<number, string>();
  const queue = new EvictionQueue<number>();
  for (let key = 0; key < count; key++) {
    map.set(key, `value ${key}`);
    queue.push(key);
  }
  return { map, queue };
}

describe('EvictionQueue', () => {
  it('evicts in insertion order', () => {
    const { map, queue } = filled(5);

    queue.evictOldest(map);
    queue.evictOldest(map);

    expect([...map.keys()]).toEqual([2, 3, 4]);
  });

  it('skips keys deleted elsewhere', () => {
    const { map, queue } = filled(5);
    map.delete(0);
    map.delete(1);

    queue.evictOldest(map);

    expect([...map.keys()]).toEqual([3, 4]);
  });

  it('keeps order across compaction', () => {
    const { map, queue } = filled(10_000);

    for (let key = 10_000; key < 30_000; key++) {
      map.set(key, `value ${key}`);
      queue.push(key);
      queue.evictOldest(map);
    }

    expect(map.size).toBe(10_000);
    expect(map.has(19_999)).toBe(false);
    expect(map.has(20_000)).toBe(true);
  });

  it('restarts from the map after reset', () => {
    const { map, queue } = filled(5);
    map.delete(0);
    map.set(5, 'value 5');
    queue.reset(map);

    queue.evictOldest(map);

    expect([...map.keys()]).toEqual([2, 3, 4, 5]);
  });

  it('does nothing on an empty map', () => {
    const map = new Map<number, string>();
    const queue = new EvictionQueue<number>();

    queue.evictOldest(map);

    expect(map.size).toBe(0);
  });
});
