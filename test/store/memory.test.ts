import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Logger } from '../../src/logger.js';
import { MemoryPendingStore } from '../../src/store/memory.js';
import { describePendingStoreContract, samplePending } from './contract.js';

describePendingStoreContract(
  'MemoryPendingStore',
  async ({ clock, graceSeconds }) => {
    const store = new MemoryPendingStore({ clock, graceSeconds });
    return { store, cleanup: () => store.close() };
  },
  { sharedBacking: false },
);

interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

function recordingLogger(): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const logger: Logger = {
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  };
  return { logger, lines };
}

describe('MemoryPendingStore', () => {
  const stores: MemoryPendingStore[] = [];
  const open = (
    options: ConstructorParameters<typeof MemoryPendingStore>[0],
  ): MemoryPendingStore => {
    const store = new MemoryPendingStore(options);
    stores.push(store);
    return store;
  };
  const originalNodeEnv = process.env.NODE_ENV;

  afterEach(async () => {
    process.env.NODE_ENV = originalNodeEnv;
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('get drops a record after grace', async () => {
    const clock = new ManualClock(1_000_000);
    const store = open({ clock, graceSeconds: 10 });
    await store.put('s1', samplePending(clock.now(), { expiresAt: clock.now() + 5_000 }));

    clock.advance(14_999);
    expect(await store.get('s1')).not.toBeNull();

    clock.advance(1);
    expect(await store.get('s1')).toBeNull();
    expect(store.size).toBe(0);
  });

  it('sweep removes expired records', async () => {
    const clock = new ManualClock(1_000_000);
    const store = open({ clock, graceSeconds: 0 });
    await store.put('short', samplePending(clock.now(), { expiresAt: clock.now() + 1_000 }));
    await store.put('long', samplePending(clock.now(), { expiresAt: clock.now() + 9_000 }));

    clock.advance(1_000);
    const removed = store.sweep();

    expect(removed).toBe(1);
    expect(store.size).toBe(1);
    expect(await store.get('long')).not.toBeNull();
  });

  it('maxEntries evicts the oldest records', async () => {
    const clock = new ManualClock(1_000_000);
    const { logger, lines } = recordingLogger();
    const store = open({ clock, logger, maxEntries: 2 });

    await store.put('a', samplePending(clock.now()));
    await store.put('b', samplePending(clock.now()));
    await store.put('a', samplePending(clock.now(), { callId: 'call-2' }));
    await store.put('c', samplePending(clock.now()));
    await store.put('d', samplePending(clock.now()));

    expect(store.size).toBe(2);
    expect(await store.get('b')).toBeNull();
    expect(await store.get('a')).toBeNull();
    expect(await store.get('c')).not.toBeNull();
    expect(await store.get('d')).not.toBeNull();
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect(lines[0]?.message).toMatch(/maxEntries/);
  });

  it('production use warns once', () => {
    process.env.NODE_ENV = 'production';
    const { logger, lines } = recordingLogger();

    open({ logger });

    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('warn');
    expect(lines[0]?.message).toMatch(/lost on restart/);
    expect(lines[0]?.message).toMatch(/RedisPendingStore/);
  });

  it('development use does not warn', () => {
    process.env.NODE_ENV = 'development';
    const { logger, lines } = recordingLogger();

    open({ logger });

    expect(lines).toHaveLength(0);
  });

  it('options are validated', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ graceSeconds: -1 }, /graceSeconds -1/],
      [{ graceSeconds: 1.5 }, /graceSeconds 1\.5/],
      [{ sweepIntervalMs: 10 }, /sweepIntervalMs 10/],
      [{ maxEntries: 0 }, /maxEntries 0/],
      [{ clock: {} }, /clock/],
      [{ logger: { info: () => undefined } }, /logger/],
      [{ gracSeconds: 5 }, /unknown option "gracSeconds"/],
    ];
    for (const [options, message] of cases) {
      expect(() => new MemoryPendingStore(options as never)).toThrow(message);
      expect(() => new MemoryPendingStore(options as never)).toThrow(
        expect.objectContaining({ code: 'ERR_STORE_INVALID_OPTION' }),
      );
    }
  });

  it('close rejects later calls', async () => {
    const store = open({});
    await store.put('s1', samplePending(Date.now()));

    await store.close();

    await expect(store.get('s1')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });
});
