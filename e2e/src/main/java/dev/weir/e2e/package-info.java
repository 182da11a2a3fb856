/**
 * Small backends for the end-to-end tests and the local demo: real TCP servers that say who they
 * are, so a client can tell which backend the proxy chose.
 */
package dev.weir.e2e;
