/** {@code weirctl proxies}: the proxies the control plane knows and how current their config is. */
package dev.weir.cli.proxy;
