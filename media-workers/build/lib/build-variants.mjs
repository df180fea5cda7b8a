// The worker build variants: the same mediasoup sources and recipe, built with
// different compiler settings. The name is part of the cache key
// (worker-cache.mjs), so each variant is cached apart and bench:sfu can run
// several side by side (`--variants default,lto`).
//
// meson's `release` buildtype (what mediasoup's tasks.py uses, and `default`
// here) already compiles with -O3, so there is no separate -O3 variant.
// `native` compiles for this machine's CPU (-march=native): only for a
// machine's own cache, never for an image that runs elsewhere.
import { ProvisionError } from './log.mjs';

/** @typedef {{name: string, mesonArgs: string[], portable: boolean, about: string}} BuildVariant */

/** @type {Record<string, BuildVariant>} */
export const BUILD_VARIANTS = {
  default: {
    name: 'default',
    mesonArgs: [],
    portable: true,
    about: "meson release (-O3), as mediasoup's own build",
  },
  lto: {
    name: 'lto',
    mesonArgs: ['-Db_lto=true'],
    portable: true,
    about: 'release + link-time optimisation (-flto)',
  },
  native: {
    name: 'native',
    mesonArgs: ['-Dc_args=-march=native', '-Dcpp_args=-march=native'],
    portable: false,
    about: 'release + -march=native (this CPU only)',
  },
  'lto-native': {
    name: 'lto-native',
    mesonArgs: ['-Db_lto=true', '-Dc_args=-march=native', '-Dcpp_args=-march=native'],
    portable: false,
    about: 'release + -flto + -march=native (this CPU only)',
  },
};

/** The variant npm install provides when PARLEY_WORKER_VARIANT is unset. */
export const DEFAULT_VARIANT = 'default';

/**
 * @param {string | undefined} name
 * @returns {BuildVariant}
 */
export function buildVariant(name) {
  const variant = BUILD_VARIANTS[name ?? DEFAULT_VARIANT];
  if (!variant) {
    throw new ProvisionError(
      `unknown worker build variant "${name}" (known: ${Object.keys(BUILD_VARIANTS).join(', ')})`,
    );
  }
  return variant;
}
