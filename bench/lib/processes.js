import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, createConnection } from 'node:net';

/** Every child process this run started and has not stopped yet. */
const running = new Set();

/** Finds a TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once 127.0.0.1:port accepts TCP connections, polling every 20 ms. */
export async function waitForPort(port, child, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new Error(`${child.label} exited with code ${child.exitCode} before listening`);
    }
    const connected = await new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for 127.0.0.1:${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts a child process that listens on `port` and resolves once it accepts connections.
 * Its stderr and the last lines of stdout are kept for error messages.
 */
export async function startListeningProcess(label, command, args, { port, env = {} }) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.label = label;
  child.output = '';
  const keep = (chunk) => {
    child.output = (child.output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  running.add(child);
  child.once('exit', () => running.delete(child));

  try {
    await waitForPort(port, child);
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${error.message}\n--- output of ${label} ---\n${child.output}`);
  }
  return child;
}

/** Sends SIGTERM, then SIGKILL after `graceMs`, and resolves once the process exited. */
export async function stopProcess(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child process still running, in parallel. */
export async function stopAll() {
  await Promise.all([...running].map((child) => stopProcess(child)));
}

/**
 * Stops all children on Ctrl-C, SIGTERM and on exit, so an interrupted run leaves no
 * redis-server, emulator or app behind.
 */
export function stopChildrenOnExit() {
  const onSignal = (signal) => {
    console.error(`\nReceived ${signal}: stopping child processes`);
    stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}
