package dev.weir.proxy.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test opened, closed in reverse order from {@code @AfterEach} whether the test passed or
 * not; one failure to close does not stop the rest from closing.
 */
public final class Resources implements AutoCloseable {

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  public <T extends AutoCloseable> T add(T resource) {
    opened.push(resource);
    return resource;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (AutoCloseable r; (r = opened.poll()) != null; ) {
      try {
        r.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
