import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

/** The names an app imports most; each build must export every one of them. */
const NAMES = [
  'LoginByCallClient',
  'LoginByCallError',
  'LoginByCallStrategy',
  'loginByCall',
  'getLoginByCallState',
  'RedisPendingStore',
  'MemoryPendingStore',
  'createEmulator',
  'ManualClock',
  'METHODS',
];

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js')) || !existsSync(join(root, 'dist/index.cjs'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it).');
  }
});

describe('package exports', () => {
  it('loads the ESM build by package name', async () => {
    const script = `import * as m from 'passport-loginbycall'; console.log(JSON.stringify(Object.keys(m)));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    });
    const names = JSON.parse(stdout) as string[];
    for (const name of NAMES) expect(names).toContain(name);
  });

  it('loads the CJS build by package name', async () => {
    const script = `const m = require('passport-loginbycall'); console.log(JSON.stringify(Object.keys(m)));`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: root });
    const names = JSON.parse(stdout) as string[];
    for (const name of NAMES) expect(names).toContain(name);
  });

  it('runs the bin with --version', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'dist/cli/main.js'), '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('package types', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(root, '.types-check-'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  // One TypeScript file per module system, resolved the way Node resolves them, so each export
  // condition must point at declarations of its own.
  it('types both export conditions', async () => {
    const body = [
      `const client = new LoginByCallClient({ callApiId: 'id', apiKey: 'key' });`,
      `const clock: ManualClock = new ManualClock(0);`,
      `export const used: [LoginByCallClient, ManualClock] = [client, clock];`,
    ].join('\n');
    await writeFile(
      join(folder, 'esm.mts'),
      `import { LoginByCallClient, ManualClock } from 'passport-loginbycall';\n${body}\n`,
    );
    await writeFile(
      join(folder, 'cjs.cts'),
      [
        `import lbc = require('passport-loginbycall');`,
        `const { LoginByCallClient, ManualClock } = lbc;`,
        `type LoginByCallClient = lbc.LoginByCallClient;`,
        `type ManualClock = lbc.ManualClock;`,
        body,
        '',
      ].join('\n'),
    );
    await writeFile(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', folder], { cwd: folder }).catch(
      (error: { stdout?: string; stderr?: string }) => ({
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? 'tsc failed',
      }),
    );
    expect(result.stdout + result.stderr).toBe('');
  });
});
