import { afterEach, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import { createTestApp, type TestApp } from './app.js';

let current: TestApp | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function open(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  current = await createTestApp(options);
  return current;
}

function postJson(agent: supertest.Agent, path: string, body: unknown): supertest.Test {
  return agent
    .post(path)
    .set('Accept', 'application/json')
    .send(body as object);
}

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
