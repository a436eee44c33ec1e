import { isMethodName } from '../protocol/index.js';
import { EmulatorOptionError } from './option-error.js';
import type { EmulatorFault, FaultTarget } from './types.js';

/** Maximum latency a fault may add, in ms. */
const MAX_LATENCY_MS = 120_000;

/** Faults by method; `*` applies to methods without a fault of their own. */
export class FaultTable {
  private readonly faults = new Map<FaultTarget, EmulatorFault>();

  set(target: FaultTarget, fault: EmulatorFault | null): void {
    if (target !== '*' && !isMethodName(target)) {
      throw new EmulatorOptionError(
        'method',
        target,
        'pass an API method name such as call, or * for every method',
      );
    }
    if (fault === null) {
      this.faults.delete(target);
      return;
    }
    this.faults.set(target, validateFault(fault));
  }

  clear(): void {
    this.faults.clear();
  }

  /** The fault for a method name from a request; unknown names get the `*` fault. */
  for(method: string): EmulatorFault | undefined {
    const own = isMethodName(method) ? this.faults.get(method) : undefined;
    return own ?? this.faults.get('*');
  }

  list(): Record<string, EmulatorFault> {
    return Object.fromEntries(this.faults);
  }
}

function validateFault(fault: unknown): EmulatorFault {
  if (typeof fault !== 'object' || fault === null) {
    throw new EmulatorOptionError(
      'fault',
      fault,
      'pass an object such as { httpStatus: 503 }, or null to remove the fault',
    );
  }
  const known = new Set(['latencyMs', 'httpStatus', 'malformedBody', 'dropConnection']);
  for (const name of Object.keys(fault)) {
    if (!known.has(name))
      throw new EmulatorOptionError(
        `fault.${name}`,
        undefined,
        `use only ${[...known].join(', ')}`,
      );
  }
  const { latencyMs, httpStatus, malformedBody, dropConnection } = fault as Record<string, unknown>;
  if (
    latencyMs !== undefined &&
    !(typeof latencyMs === 'number' && latencyMs >= 0 && latencyMs <= MAX_LATENCY_MS)
  ) {
    throw new EmulatorOptionError(
      'fault.latencyMs',
      latencyMs,
      `pass milliseconds from 0 to ${MAX_LATENCY_MS}`,
    );
  }
  if (
    httpStatus !== undefined &&
    !(
      Number.isInteger(httpStatus) &&
      (httpStatus as number) >= 400 &&
      (httpStatus as number) <= 599
    )
  ) {
    throw new EmulatorOptionError(
      'fault.httpStatus',
      httpStatus,
      'pass an HTTP status from 400 to 599',
    );
  }
  for (const [name, value] of [
    ['malformedBody', malformedBody],
    ['dropConnection', dropConnection],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new EmulatorOptionError(`fault.${name}`, value, 'pass true or false');
    }
  }
  return { ...(fault as EmulatorFault) };
}
