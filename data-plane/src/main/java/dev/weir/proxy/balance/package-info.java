/**
 * Balancing algorithms. Each {@link dev.weir.proxy.balance.Picker} is built once per config version
 * from the backends that take new connections, is immutable apart from its position in the
 * rotation, and is read without locks by every event loop.
 */
package dev.weir.proxy.balance;
