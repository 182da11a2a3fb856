/**
 * Test support shared through this module's test-jar: stand-ins for the other end of the v1 API
 * that tests and benchmarks in other modules use alike.
 */
package dev.weir.api.testing;
