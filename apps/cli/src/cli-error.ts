/**
 * An error the user can act on: its message is the one line printed on stderr before the CLI
 * exits with status 1. Anything else that escapes a command is a bug and says so.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** The one-line message of any thrown value. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}
