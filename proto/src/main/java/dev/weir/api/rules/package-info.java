/**
 * The rules a {@link dev.weir.api.v1.ConfigSnapshot} must keep, in one place for both sides: the
 * control plane checks every snapshot with them before it commits it, and every proxy checks every
 * snapshot it is sent, so what the control plane commits no proxy refuses. Also the defaults the
 * control plane fills in where the API leaves a field unset.
 */
package dev.weir.api.rules;
