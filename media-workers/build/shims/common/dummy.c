/*
 * An empty translation unit. mediasoup's meson.build links each dependency's
 * static library with link_whole; a shim built on the Debian shared library
 * hands it this empty archive instead, and the real code comes in through the
 * shim's dependency() object.
 */
typedef int parley_shim_empty_unit;
