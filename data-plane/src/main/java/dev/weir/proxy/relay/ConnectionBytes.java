package dev.weir.proxy.relay;

/**
 * Bytes one relayed connection has carried each way, for {@code weirctl connections}. Plain
 * fields: both halves of a connection run on its event loop, which alone writes and reads them.
 */
final class ConnectionBytes {
  long fromClient;
  long toClient;
}
