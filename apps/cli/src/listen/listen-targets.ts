import { userInfo, hostname } from 'node:os';
import { cliSessionSchema, type CliSessionRequest } from '@hookyard/contracts';
import { CliError } from '../cli-error';

/** One source the CLI listens to, and the local URL its deliveries go to. */
export interface ListenTarget {
  source: string;
  forwardTo: string;
}

/**
 * `3000` → `http://localhost:3000`; `3000/hooks` → `http://localhost:3000/hooks`;
 * `localhost:3000/hooks` → `http://localhost:3000/hooks`;
 * an http(s) URL as it is. Anything else is refused in one line.
 */
export function normalizeForwardTo(value: string): string {
  const trimmed = value.trim();
  const hostOnly = /^[^/:?#]+(:\d+)?([/?#]|$)/.test(trimmed); // localhost:3000/hooks, not mailto:x
  const candidate = /^\d{1,5}([/?#]|$)/.test(trimmed)
    ? `http://localhost:${trimmed}`
    : hostOnly
      ? `http://${trimmed}`
      : trimmed;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new CliError(
      `--forward-to "${value}" is not a URL: expected e.g. http://localhost:3000/hooks`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--forward-to "${value}" is not an http(s) URL`);
  }
  return url.toString();
}

/**
 * The sources to listen to, paired in order with the `--forward-to` URLs: the positional
 * source first (`listen gh --forward-to …`), then each `--source` (`--source a --forward-to …
 * --source b --forward-to …`).
 */
export function listenTargets(
  positional: string | undefined,
  sources: readonly string[],
  forwardTos: readonly string[],
): ListenTarget[] {
  const all = [...(positional === undefined ? [] : [positional]), ...sources].map((s) => s.trim());
  if (all.length === 0) {
    throw new CliError('Name a source: hookyard listen <source> --forward-to <local url>');
  }
  if (forwardTos.length !== all.length) {
    throw new CliError(
      `Each source needs its own --forward-to, in the same order: got ${all.length} source${all.length === 1 ? '' : 's'} and ${forwardTos.length} --forward-to`,
    );
  }
  const seen = new Set<string>();
  for (const source of all) {
    if (source === '') throw new CliError('A source name is empty');
    if (seen.has(source)) throw new CliError(`Source "${source}" is named twice`);
    seen.add(source);
  }
  return all.map((source, index) => ({ source, forwardTo: normalizeForwardTo(forwardTos[index]) }));
}

/** Who listens, and where, as the dashboard shows it: `ada@laptop`. */
export function listenerName(): string {
  let user = process.env.USER || process.env.USERNAME || 'someone';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (some containers): the environment's name will do.
  }
  return `${user}@${hostname() || 'localhost'}`.slice(0, 200);
}

/** The session request of one target, checked against the contract before it is sent. */
export function sessionRequest(
  target: ListenTarget,
  options: { clientId: string; listener: string; newOnly: boolean },
): CliSessionRequest {
  const request: CliSessionRequest = {
    source: target.source,
    forwardTo: target.forwardTo,
    listener: options.listener,
    clientId: options.clientId,
    newOnly: options.newOnly,
  };
  const checked = cliSessionSchema.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new CliError(
      `Cannot listen to "${target.source}": ${issue.path.join('.')} ${issue.message}`,
    );
  }
  return request;
}
