/** weir-proxy: the program, its command line and its lifecycle. */
package dev.weir.proxy;
