/** Set by the build (webpack's DefinePlugin) from the workspace's package.json. */
declare const HOOKYARD_VERSION: string | undefined;

export const VERSION = typeof HOOKYARD_VERSION === 'string' ? HOOKYARD_VERSION : '0.0.0-dev';
