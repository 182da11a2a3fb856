/** The log line format every Weir program writes, so their logs read and sort alike. */
package dev.weir.api.logging;
