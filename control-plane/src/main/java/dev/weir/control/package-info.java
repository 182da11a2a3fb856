/**
 * The weir-control program: the command line ({@link dev.weir.control.WeirControl}) and the server
 * lifecycle ({@link dev.weir.control.ControlPlane}) that wires store, pools and fleet, with the
 * default store, the data dir of one control plane ({@link dev.weir.control.EmbeddedStoreBackend}).
 */
package dev.weir.control;
