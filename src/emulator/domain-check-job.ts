import { fetchVerifyFile } from './domain-check.js';
import type { MethodContext } from './method-context.js';

/**
 * Checks the domain of every account that is not activated, as the English revision of the
 * service does every 10 minutes, and activates keys whose verification file contains their
 * call-api-id. Failures are logged and retried on the next run.
 */
export async function checkDomains(context: MethodContext): Promise<void> {
  const { accounts, config } = context;
  const checks = accounts
    .list()
    .filter((account) => !account.activated && account.blocked === null)
    .flatMap((account) =>
      account.credentials
        .filter((credential) => credential.state === 'pending')
        .map((credential) => ({ account, credential })),
    );

  await Promise.all(
    checks.map(async ({ account, credential }) => {
      const fetched = await fetchVerifyFile(credential.verifyUrl);
      if (fetched.ok && fetched.body.includes(credential.callApiId)) {
        accounts.confirm(account, credential);
        config.logger.info(
          { domain: account.domain, callApiId: credential.callApiId },
          'Activated account after domain check',
        );
        return;
      }
      const reason = fetched.ok
        ? `the file does not contain ${credential.callApiId}`
        : fetched.reason;
      config.logger.warn(
        { domain: account.domain, callApiId: credential.callApiId, reason },
        'Domain check failed',
      );
    }),
  );
}
