/** Kept in step with package.json by a unit test (no JSON import at runtime, so bundling stays simple). */
export const APP_VERSION = '0.1.0';
