// Build-time constants, filled in by esbuild's `define` (scripts/build.mjs).
declare const __TSC_RUN_VERSION__: string | undefined;
declare const __TSC_RUN_COMMIT__: string | undefined;
declare const __TSC_RUN_BUILT__: number | undefined;

export const VERSION = typeof __TSC_RUN_VERSION__ === 'string' ? __TSC_RUN_VERSION__ : '0.0.0-dev';
export const GIT_COMMIT = typeof __TSC_RUN_COMMIT__ === 'string' ? __TSC_RUN_COMMIT__ : '';
export const BUILT_UNIX = typeof __TSC_RUN_BUILT__ === 'number' ? __TSC_RUN_BUILT__ : 0;
/** The API level podman scripts may check; we track podman 4.x's CLI surface. */
export const API_VERSION = '4.3.1';
