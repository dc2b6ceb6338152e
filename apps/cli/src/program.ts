import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, messageOf } from './cli-error';
import { VERSION } from './version';
import { loggedInClient } from './config/session';
import { listEvents } from './events/events.command';
import { listen } from './listen/listen.command';
import { login } from './login/login.command';
import { RESIGN_PROVIDERS, replay } from './replay/replay.command';
import { listSources } from './sources/sources.command';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

const integer =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  };

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new InvalidArgumentError('must be a number of seconds, more than 0 and at most 3600');
  }
  return n;
};

/** Every command, its flags and its help; the work is done in the command modules. */
export function buildProgram(): Command {
  const program = new Command('hookyard')
    .description(
      'Hookyard from the command line: forward webhooks to localhost, inspect and replay events',
    )
    .version(VERSION)
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      '\nSettings: `hookyard login` keeps them in your config folder; HOOKYARD_URL and HOOKYARD_TOKEN override them.',
    );

  program
    .command('login')
    .description('Check a Hookyard URL and token, and keep them for the other commands')
    .requiredOption('--url <url>', 'the Hookyard server, e.g. https://hooks.example.com')
    .requiredOption('--token <token>', 'an API token (the admin token)')
    .action((options: { url: string; token: string }) => login(options));

  program
    .command('listen')
    .description(
      "Forward a source's events to a local URL as they arrive, and report each attempt back",
    )
    .argument('[source]', 'the source to listen to (slug or id)')
    .option(
      '--forward-to <url>',
      'the local URL, e.g. http://localhost:3000/hooks (repeat per source)',
      collect,
    )
    .option(
      '--source <slug>',
      'another source to listen to, paired in order with --forward-to',
      collect,
    )
    .option('--new-only', 'skip the events that waited while this CLI was not listening')
    .option('--timeout <seconds>', 'how long a local request may take', seconds, 10)
    .option('--concurrency <n>', 'local requests in flight at once', integer(1, 100), 10)
    .addHelpText(
      'after',
      `
Examples:
  hookyard listen github --forward-to http://localhost:3000/webhooks
  hookyard listen --source stripe --forward-to localhost:3000/stripe --source gh --forward-to 4000`,
    )
    .action(
      (
        source: string | undefined,
        flags: {
          forwardTo?: string[];
          source?: string[];
          newOnly?: boolean;
          timeout: number;
          concurrency: number;
        },
      ) =>
        listen(loggedInClient(), source, {
          ...flags,
          source: flags.source ?? [],
          forwardTo: flags.forwardTo ?? [],
        }),
    );

  program
    .command('replay')
    .description('Send a stored event again, to a URL or a destination')
    .argument('<eventId>', 'the event to replay')
    .option('--to <url>', 'replay to this URL')
    .option('--destination <id>', 'replay to this destination')
    .addOption(
      new Option(
        '--resign <provider>',
        "sign the stored body afresh in the provider's format",
      ).choices(RESIGN_PROVIDERS),
    )
    .option('--secret <secret>', 'the signing secret for --resign')
    .option('--json', 'print the result as JSON')
    .action((eventId: string, options: Parameters<typeof replay>[2]) =>
      replay(loggedInClient(), eventId, options),
    );

  program
    .command('events')
    .description('List the most recent events, newest first')
    .option('--source <slug|id>', 'only the events of this source')
    .option('--limit <n>', 'how many', integer(1, 200), 20)
    .option('--json', 'print the events as JSON')
    .action((options: { source?: string; limit: number; json?: boolean }) =>
      listEvents(loggedInClient(), options),
    );

  program
    .command('sources')
    .description('List the sources')
    .option('--json', 'print the sources as JSON')
    .action((options: { json?: boolean }) => listSources(loggedInClient(), options));

  return program;
}

/**
 * Runs the CLI. An error the user can act on is one line on stderr and exit status 1;
 * commander reports its own usage errors the same way.
 */
export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const line =
      error instanceof CliError
        ? error.message
        : `Unexpected error (a bug in hookyard): ${messageOf(error)}`;
    process.stderr.write(`${line}\n`, () => process.exit(1));
  }
}
