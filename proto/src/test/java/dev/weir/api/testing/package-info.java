/**
 * Test support shared through this module's test-jar: helpers every module's tests use (such as
 * {@link dev.weir.api.testing.PackageGraph}) and stand-ins for the other end of the v1 API that
 * tests and benchmarks in other modules use alike ({@link dev.weir.api.testing.SimulatedProxy}).
 */
package dev.weir.api.testing;
