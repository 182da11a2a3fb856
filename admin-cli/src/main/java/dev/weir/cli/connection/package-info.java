/** {@code weirctl connections}: client connections open on the proxies, and closing one. */
package dev.weir.cli.connection;
