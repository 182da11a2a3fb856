package dev.weir.control.transport;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.log.LogThrottle;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections the control plane's servers hold at once, on the listening sockets, before
 * gRPC sees a connection. At the cap a new connection does not simply lose: the oldest one that has
 * not yet started speaking gRPC (sent the HTTP/2 preface) is closed to make room, so a flood of
 * connections that send nothing cannot keep weirctl or a proxy out; only connections that all speak
 * gRPC fill the cap, and then the newest is reset.
 *
 * <p>One gate serves every server of a control plane, so the admin and proxy ports share the
 * process's file descriptors.
 */
@ChannelHandler.Sharable
public final class ConnectionGate extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

  /** Kept for the store, etcd, the metrics server and the JVM's own files. */
  static final long RESERVED_FILE_DESCRIPTORS = 256;

  /** The least the default allows, however low the open-file limit. */
  static final int MIN_DEFAULT = 16;

  private final int limit;
  private final LogThrottle throttle;
  private final LongAdder closedForRoom = new LongAdder();
  private final LongAdder refused = new LongAdder();

  // Open connections that have not sent the HTTP/2 preface, oldest first.
  @GuardedBy("this")
  private final Map<SocketAddress, Channel> notSpeaking = new LinkedHashMap<>();

  @GuardedBy("this")
  private int open;

  /**
   * @param limit connections held at once, at least 1
   */
  public ConnectionGate(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    this.limit = limit;
    this.throttle = new LogThrottle(Duration.ofMinutes(1), System::nanoTime);
  }

  /**
   * The default cap: what the open-file limit leaves after {@value #RESERVED_FILE_DESCRIPTORS} kept
   * for everything else, one descriptor per connection; at least {@value #MIN_DEFAULT}.
   *
   * @param maxFileDescriptors the process's open-file limit, or -1 if unknown
   */
  public static int defaultLimit(long maxFileDescriptors) {
    if (maxFileDescriptors < 0) {
      return 10_000;
    }
    return (int)
        Math.max(
            MIN_DEFAULT,
            Math.min(Integer.MAX_VALUE, maxFileDescriptors - RESERVED_FILE_DESCRIPTORS));
  }

  public int limit() {
    return limit;
  }

  /** Connections open now. */
  public synchronized int open() {
    return open;
  }

  /** Connections closed, since the start, to make room for a newer one. */
  public long closedForRoom() {
    return closedForRoom.sum();
  }

  /** Connections reset at accept, since the start, because every open one speaks gRPC. */
  public long refused() {
    return refused.sum();
  }

  /** The connection from {@code remote} has sent the HTTP/2 preface: it is no longer evictable. */
  synchronized void speaking(SocketAddress remote) {
    if (remote != null) {
      notSpeaking.remove(remote);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel child = (Channel) msg;
    Channel evicted = null;
    boolean admitted = false;
    synchronized (this) {
      if (open >= limit) {
        Iterator<Channel> oldest = notSpeaking.values().iterator();
        if (oldest.hasNext()) {
          evicted = oldest.next();
          oldest.remove();
        }
      }
      if (open < limit || evicted != null) {
        // Over the cap for as long as the evicted connection takes to close, no more.
        open++;
        notSpeaking.put(child.remoteAddress(), child);
        admitted = true;
      }
    }
    if (!admitted) {
      refuse(child);
      return;
    }
    child.closeFuture().addListener(future -> closed(child));
    if (evicted != null) {
      closedForRoom.increment();
      closeNow(evicted);
      note(
          "at the cap of "
              + limit
              + " connections; closing the oldest one that has not "
              + "started speaking gRPC to make room");
    }
    ctx.fireChannelRead(child);
  }

  // Below the pipeline: grpc's HTTP/2 handler turns a close() into a graceful GOAWAY that waits
  // for the peer, which a connection that sends nothing never answers.
  private static void closeNow(Channel channel) {
    channel.eventLoop().execute(() -> channel.unsafe().close(channel.unsafe().voidPromise()));
  }

  private void refuse(Channel child) {
    refused.increment();
    // A reset tells the client at once and costs no TIME_WAIT here.
    child.config().setOption(ChannelOption.SO_LINGER, 0);
    child.unsafe().closeForcibly();
    note(
        "at the cap of "
            + limit
            + " connections, all speaking gRPC; refusing new ones "
            + "(--max-connections)");
  }

  private void note(String what) {
    long suppressed = throttle.admit(what);
    if (suppressed != LogThrottle.SUPPRESS) {
      log.warn("{}{}", what, LogThrottle.suppressedNote(suppressed));
    }
  }

  private synchronized void closed(Channel child) {
    open--;
    notSpeaking.remove(child.remoteAddress(), child);
  }
}
