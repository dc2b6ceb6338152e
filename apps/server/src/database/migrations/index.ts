import { Initial1763900000000 } from './1763900000000-Initial';

/** Listed by hand, not globbed: the server is bundled, and the order is reviewed. */
export const migrations = [Initial1763900000000];
