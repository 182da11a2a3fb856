/**
 * What the v1 API's calls carry beside their messages: the trailer that marks weir-control's own
 * answers.
 */
package dev.weir.api.status;
