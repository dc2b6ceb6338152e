import { Initial1763900000000 } from './1763900000000-Initial';
import { Forwarding1763990000000 } from './1763990000000-Forwarding';

/** Listed by hand, not globbed: the server is bundled, and the order is reviewed. */
export const migrations = [Initial1763900000000, Forwarding1763990000000];
