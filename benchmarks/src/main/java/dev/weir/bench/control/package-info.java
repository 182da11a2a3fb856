/**
 * The control-plane benchmark's driver (bench/control-plane runs it): simulated proxies that speak
 * ProxyService.Connect over their own HTTP/2 connections, edits made through the AdminService, and
 * the figures read from the control plane's process, metrics and jcmd.
 */
package dev.weir.bench.control;
