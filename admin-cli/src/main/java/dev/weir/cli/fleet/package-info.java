/** {@code weirctl fleet}: which fleet of proxies this control plane's store configures. */
package dev.weir.cli.fleet;
