/**
 * Fleet events (revisions, applies, NACKs, health changes, drain progress) from where they
 * happen to whoever follows them: AdminService.Watch, metrics, logs.
 */
package dev.weir.control.events;
