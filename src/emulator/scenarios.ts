/**
 * Numbers whose calls end in a fixed way, so an app can test every branch. All are valid
 * Russian mobile numbers, so a router that checks numbers with libphonenumber-js accepts them.
 */
export const SCENARIO_NUMBERS = {
  /** Rings for 2 seconds (or ringSeconds when shorter), then the user rejects it: `busy`. */
  busy: '79991110001',
  /** Rings for the full ringSeconds: `notanswered`. */
  notanswered: '79991110002',
  /** Fails when it leaves the queue: `error` with last_error "Call rejected, try again". */
  error: '79991110003',
  /** Rings for 3 seconds (or ringSeconds when shorter), then the user picks up: `answered`. */
  answered: '79991110004',
  /** `call` itself fails with CALL_REJECTED and charges nothing. */
  rejected: '79991110005',
} as const;

export type Scenario = keyof typeof SCENARIO_NUMBERS | 'default';

/** last_error of a call that ends in the `error` scenario. */
export const SCENARIO_ERROR_TEXT = 'Call rejected, try again';

const SCENARIO_BY_NUMBER = new Map<string, Scenario>(
  Object.entries(SCENARIO_NUMBERS).map(([scenario, msisdn]) => [msisdn, scenario as Scenario]),
);

/** Returns the scenario of a called number; `default` rings until hung up or `notanswered`. */
export function scenarioOf(msisdn: string): Scenario {
  return SCENARIO_BY_NUMBER.get(msisdn) ?? 'default';
}
