/**
 * The weir-control program: the command line ({@link dev.weir.control.WeirControl}) and the
 * server lifecycle ({@link dev.weir.control.ControlPlane}) that wires store, pools and fleet.
 */
package dev.weir.control;
