/**
 * The media node's public programmatic entry point, for tools outside the workspace (bench/):
 * what they may use in-process. The node itself runs as a process (main.ts); everything else
 * under media-workers/src is internal, and the import rules (.dependency-cruiser.cjs) hold bench/
 * and loadtest/ to this file.
 */
export { MEDIA_CODECS } from './codecs.js';
