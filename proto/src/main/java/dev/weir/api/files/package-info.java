/**
 * The on-disk form of a {@link dev.weir.api.v1.ConfigSnapshot}, shared by the control plane's
 * embedded store and the proxies' last-applied config, so both detect torn or foreign files the
 * same way.
 */
package dev.weir.api.files;
