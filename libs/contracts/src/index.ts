export * from './lib/common';
export * from './lib/sources';
export * from './lib/destinations';
export * from './lib/connections';
export * from './lib/events';
export * from './lib/deliveries';
export * from './lib/stats';
export * from './lib/cli';
