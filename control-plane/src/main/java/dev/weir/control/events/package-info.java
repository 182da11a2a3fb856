/**
 * Where the parts of the control plane report fleet events (revisions, applies, NACKs, health
 * changes, drain progress): the {@link dev.weir.control.events.FleetEventSink} they publish to. It
 * sits below every publisher; who follows the events ({@code watch}, metrics, logs) sits above.
 */
package dev.weir.control.events;
