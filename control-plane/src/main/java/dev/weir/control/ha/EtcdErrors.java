package dev.weir.control.ha;

import java.util.concurrent.TimeoutException;

/** Short reasons for failed etcd calls, for log lines. */
final class EtcdErrors {
  private EtcdErrors() {}

  static String describe(Throwable e) {
    if (e instanceof TimeoutException) {
      return "etcd did not answer in time";
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }
}
