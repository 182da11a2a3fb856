/**
 * Test fixtures for relaying over real loopback sockets: backends that greet, echo or flood, a
 * proxy's listeners on a real event-loop group, and snapshots built through the real validator.
 */
package dev.weir.proxy.testing;
