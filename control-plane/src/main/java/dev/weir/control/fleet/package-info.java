/**
 * The proxies: their streams ({@code ProxyService.Connect}), what each one was sent, ACKed,
 * applied, NACKed and reported, the push of every new config version to all of them (one snapshot
 * in flight per proxy), and how far the whole fleet has got ({@code WaitForApplied}, push latency).
 */
package dev.weir.control.fleet;
