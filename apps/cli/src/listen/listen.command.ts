import type { ApiClient } from '../api/api-client';
import { ConfigStore } from '../config/config-store';
import { printStatus } from '../output';
import { listenerName, listenTargets } from './listen-targets';
import { Listener } from './listener';

export interface ListenFlags {
  source: string[];
  forwardTo: string[];
  newOnly?: boolean;
  /** Seconds. */
  timeout: number;
  concurrency: number;
}

/**
 * `hookyard listen`: runs until Ctrl-C (or SIGTERM), then prints a summary and exits 0.
 * A second Ctrl-C does not wait for requests in flight.
 */
export async function listen(
  api: ApiClient,
  positional: string | undefined,
  flags: ListenFlags,
  store: ConfigStore = new ConfigStore(),
): Promise<void> {
  const targets = listenTargets(positional, flags.source, flags.forwardTo);
  const listener = new Listener(api, {
    targets,
    clientId: store.clientId(),
    listener: listenerName(),
    newOnly: flags.newOnly === true,
    timeoutMs: flags.timeout * 1000,
    concurrency: flags.concurrency,
  });

  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      printStatus(listener.summary());
      process.exit(0);
    }
    stopping = true;
    void listener.stop().then((summary) => {
      printStatus(summary);
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await listener.run();
  // Stopped by a signal: the handler above prints the summary and exits once requests finish.
  await new Promise<never>(() => undefined);
}
