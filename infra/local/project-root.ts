import { fileURLToPath } from 'node:url';

/** The repository's root folder, the one place that knows where this file sits in it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
