/** Bad command-line usage: the CLI prints the message and the usage, then exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'ERR_LOGINBYCALL_USAGE';
}
