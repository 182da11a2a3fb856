/**
 * Logging shared by weir-control and weir-proxy: keeping what strangers can make a process log to a
 * few lines per cause.
 */
package dev.weir.api.log;
