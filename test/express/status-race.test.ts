import { describe, expect, it } from 'vitest';
import { openAppPerTest, postJson } from './app.js';

const open = openAppPerTest();

describe('parallel status requests', () => {
  it('ask the service once per second', async () => {
    const app = await open({ store: 'redis' });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: '79990000020' }).expect(200);
    // A slow service keeps the first status request open while the others arrive.
    app.emulator.setFault('call-status', { latencyMs: 200 });

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => agent.get('/auth/phone/status')),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    for (const answer of answers) expect(answer.body.status).toBe('queued');
    expect(app.events.filter((event) => event.type === 'call-status')).toHaveLength(1);

    app.emulator.clearFaults();
    app.clock.advance(1500);
    await agent.get('/auth/phone/status').expect(200);
    expect(app.events.filter((event) => event.type === 'call-status')).toHaveLength(2);
  });
});
