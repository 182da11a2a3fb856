/**
 * The proxy's own, validated view of a control-plane snapshot: parsed addresses and known
 * algorithms, so nothing downstream has to handle malformed input.
 */
package dev.weir.proxy.config;
