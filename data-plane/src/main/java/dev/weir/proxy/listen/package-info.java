/**
 * The proxy's listeners: one bound socket per pool, each handing accepted connections to the relay
 * with its pool's current picker, and the atomic switch from one config version to the next.
 */
package dev.weir.proxy.listen;
