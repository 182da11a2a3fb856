package dev.weir.proxy.config;

import java.net.InetSocketAddress;

/**
 * One backend as the proxy uses it.
 *
 * @param address the address as configured ("host:port"), which identifies the backend in stats
 * @param socketAddress where to connect; unresolved when the host is a name, so it is looked up
 *     at connect time rather than once per config
 */
public record BackendConfig(
    String address, InetSocketAddress socketAddress, int weight, boolean draining) {}
