/** JMH microbenchmarks: the cost of a pick, per algorithm, in time and allocation. */
package dev.weir.bench;
