package dev.weir.proxy.config;

/** A snapshot the proxy cannot apply; the message is the reason sent back in the NACK. */
public final class InvalidConfigException extends Exception {

  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
