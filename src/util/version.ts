// Replaced at build time by esbuild's `define`; 'dev' when run from source.
declare const KSTERN_VERSION: string | undefined;
export const VERSION: string = typeof KSTERN_VERSION === 'string' ? KSTERN_VERSION : 'dev';
