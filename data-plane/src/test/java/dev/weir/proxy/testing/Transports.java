package dev.weir.proxy.testing;

import dev.weir.proxy.transport.Transport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Named;

/** The transports socket tests run on: NIO always, native epoll and io_uring where they load. */
public final class Transports {

  private Transports() {}

  /** For {@code @MethodSource("dev.weir.proxy.testing.Transports#available")}. */
  public static List<Named<Transport>> available() {
    List<Named<Transport>> transports = new ArrayList<>();
    transports.add(Named.of("nio", Transport.nio()));
    if (Epoll.isAvailable()) {
      transports.add(Named.of("epoll", Transport.epoll()));
    }
    if (IoUring.isAvailable()) {
      transports.add(Named.of("io_uring", Transport.ioUring()));
    }
    return transports;
  }
}
