/**
 * Backend health as the fleet sees it: a quorum of the connected proxies' views, held down by flap
 * damping when it keeps changing. A view for operators and guards; each proxy still balances by its
 * own checks.
 */
package dev.weir.control.health;
