import { Initial1763900000000 } from './1763900000000-Initial';
import { Forwarding1763990000000 } from './1763990000000-Forwarding';
import { StatsIndexes1764000000000 } from './1764000000000-StatsIndexes';
import { ReplayOverrides1764100000000 } from './1764100000000-ReplayOverrides';
import { CliDestinations1764200000000 } from './1764200000000-CliDestinations';
import { ScaleIndexes1764300000000 } from './1764300000000-ScaleIndexes';
import { RoutingNotify1764400000000 } from './1764400000000-RoutingNotify';
import { CliStreams1764500000000 } from './1764500000000-CliStreams';
import { AttemptsDestination1764600000000 } from './1764600000000-AttemptsDestination';

/** Listed by hand, not globbed: the server is bundled, and the order is reviewed. */
export const migrations = [
  Initial1763900000000,
  Forwarding1763990000000,
  StatsIndexes1764000000000,
  ReplayOverrides1764100000000,
  CliDestinations1764200000000,
  ScaleIndexes1764300000000,
  RoutingNotify1764400000000,
  CliStreams1764500000000,
  AttemptsDestination1764600000000,
];
