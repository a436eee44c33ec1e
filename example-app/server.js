import { createExampleApp } from './app.js';
import { ConfigError, loadConfig, redactUrl } from './config.js';

/**
 * Describes the configuration in one line per setting, for the start-up output. Secrets are
 * reported as set or generated, never printed.
 *
 * @param {import('./config.js').ExampleConfig} config
 * @param {string} url
 * @returns {string[]}
 */
function describeConfig(config, url) {
  const lines = [`PORT: ${config.port}, listening on ${url} (HOST=${config.host})`];

  lines.push(
    config.redisUrl === undefined
      ? 'REDIS_URL: not set, so sessions and pending calls are kept in memory and lost on restart'
      : `REDIS_URL: ${redactUrl(config.redisUrl)}, keys prefixed "${config.redisKeyPrefix}"`,
  );

  if (config.service === undefined) {
    lines.push(
      `LOGINBYCALL_CALL_API_ID, LOGINBYCALL_API_KEY: not set, so the built-in emulator places ` +
        `the calls; watch them on the virtual phone at ${url}/emulator/phone/<number without +>`,
    );
    if (config.emulatorRepeatTimeoutSeconds !== undefined) {
      lines.push(`EMULATOR_REPEAT_TIMEOUT: ${config.emulatorRepeatTimeoutSeconds} s`);
    }
  } else {
    lines.push(
      `LOGINBYCALL_CALL_API_ID: set, LOGINBYCALL_API_KEY: set, LOGINBYCALL_API_URL: ` +
        `${config.service.apiUrl ?? 'not set, so the service default'}`,
    );
  }

  lines.push(
    config.sessionSecretGenerated
      ? 'SESSION_SECRET: not set, so a random one is used and sessions end on restart. ' +
          'WARNING: set it in production.'
      : 'SESSION_SECRET: set',
  );
  lines.push(
    config.codeSecretDerived
      ? 'LOGINBYCALL_SECRET: not set, so it is derived from SESSION_SECRET'
      : 'LOGINBYCALL_SECRET: set',
  );
  lines.push(`TRUST_PROXY: ${JSON.stringify(config.trustProxy)}`);
  lines.push(`DATABASE_PATH: ${config.databasePath}`);
  lines.push(`DEFAULT_COUNTRY: ${config.defaultCountry}`);
  return lines;
}

async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`example-app: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  let running;
  try {
    running = await createExampleApp(config);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      console.error(
        `example-app: port ${config.port} on ${config.host} is already in use. Stop the program ` +
          `that listens there, or choose another port, for example PORT=3001 npm start`,
      );
      process.exit(1);
    }
    throw error;
  }
  for (const line of describeConfig(config, running.url)) console.log(line);
  console.log(`Open ${running.url}/ to sign in.`);

  const stop = async (/** @type {string} */ signal) => {
    console.log(`example-app: ${signal} received, stopping`);
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
