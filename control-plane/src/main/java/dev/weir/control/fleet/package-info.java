/**
 * The proxies: their streams ({@code ProxyService.Connect}), what each one was sent, ACKed,
 * NACKed and reported, and the push of every new config version to all of them.
 */
package dev.weir.control.fleet;
