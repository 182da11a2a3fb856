package dev.weir.proxy.listen;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.ConnectionCloseResult;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ConnectionState;
import dev.weir.proxy.relay.FrontendHandler;
import dev.weir.proxy.stats.BackendCounters;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists and closes client connections for operators. Each connection's state belongs to its event
 * loop, so every loop gets one task that reads (or closes) its own connections; nothing reads a
 * connection from another thread, and the relay itself does no extra work for this.
 */
final class OpenConnections {
  private static final int MAX_SERVER_NAME = 253;

  private static final Logger log = LoggerFactory.getLogger(OpenConnections.class);

  private OpenConnections() {}

  /**
   * The connections matching the filters, oldest (lowest sequence) first.
   *
   * @param pool only this pool's, or empty for all
   * @param backend only those relayed to this backend, or empty for all
   * @param limit at most this many; 0 for no limit
   */
  static CompletableFuture<ConnectionList> list(
      List<Listener> listeners, String pool, String backend, int limit) {
    Map<EventLoop, List<Entry>> byLoop = byLoop(listeners, pool);
    List<CompletableFuture<List<ConnectionInfo>>> parts = new ArrayList<>();
    for (Map.Entry<EventLoop, List<Entry>> e : byLoop.entrySet()) {
      parts.add(
          onLoop(
              e.getKey(),
              e.getValue(),
              entry -> {
                FrontendHandler relay = entry.relay();
                if (relay == null || (!backend.isEmpty() && !isTo(relay, backend))) {
                  return null;
                }
                ConnectionInfo info = describe(relay);
                // A listener shared by HTTP CONNECT pools holds connections of each.
                return pool.isEmpty() || pool.equals(info.getPool()) ? info : null;
              }));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<ConnectionInfo> all = new ArrayList<>();
              parts.forEach(p -> all.addAll(p.join()));
              all.sort(Comparator.comparingLong(ConnectionInfo::getSequence));
              boolean truncated = limit > 0 && all.size() > limit;
              return ConnectionList.newBuilder()
                  .addAllConnections(truncated ? all.subList(0, limit) : all)
                  .setTruncated(truncated)
                  .build();
            });
  }

  /** Closes the connection numbered {@code sequence}, with FIN on both sides, if it is open. */
  static CompletableFuture<ConnectionCloseResult> close(List<Listener> listeners, long sequence) {
    Map<EventLoop, List<Entry>> byLoop = byLoop(listeners, "");
    List<CompletableFuture<List<ConnectionInfo>>> parts = new ArrayList<>();
    for (Map.Entry<EventLoop, List<Entry>> e : byLoop.entrySet()) {
      parts.add(
          onLoop(
              e.getKey(),
              e.getValue(),
              entry -> {
                FrontendHandler relay = entry.relay();
                if (relay == null
                    || relay.lease().sequence() != sequence
                    || !entry.channel().isActive()) {
                  return null;
                }
                ConnectionInfo info = describe(relay);
                relay.lease().listener().operatorClosed();
                relay.closeGracefully();
                log.info(
                    "closed connection {} from {} to {} in pool {} for an operator",
                    sequence,
                    info.getClientAddress(),
                    info.getBackendAddress(),
                    info.getPool());
                return info;
              }));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              ConnectionCloseResult.Builder result = ConnectionCloseResult.newBuilder();
              for (CompletableFuture<List<ConnectionInfo>> part : parts) {
                for (ConnectionInfo info : part.join()) {
                  result.setFound(true).setConnection(info);
                }
              }
              return result.build();
            });
  }

  private static boolean isTo(FrontendHandler relay, String backend) {
    BackendCounters to = relay.backend();
    return to != null && to.address().equals(backend);
  }

  /** One connection as operators see it, without id and proxy. */
  private static ConnectionInfo describe(FrontendHandler relay) {
    long openedAtMillis = relay.openedAtMillis();
    ConnectionInfo.Builder info =
        ConnectionInfo.newBuilder()
            .setPool(relay.pool())
            .setSequence(relay.lease().sequence())
            .setOpenedAt(
                Timestamp.newBuilder()
                    .setSeconds(Math.floorDiv(openedAtMillis, 1000))
                    .setNanos((int) Math.floorMod(openedAtMillis, 1000) * 1_000_000))
            .setBytesFromClient(relay.lease().bytesFromClient())
            .setBytesToClient(relay.lease().bytesToClient())
            .setState(
                !relay.relaying()
                    ? ConnectionState.CONNECTING
                    : relay.halfClosed() ? ConnectionState.HALF_CLOSED : ConnectionState.OPEN);
    InetSocketAddress from = relay.clientAddress();
    if (from != null) {
      info.setClientAddress(from.getHostString() + ":" + from.getPort());
    }
    InetSocketAddress to = relay.listenAddress();
    if (to != null) {
      info.setListenAddress(to.getHostString() + ":" + to.getPort());
    }
    if (relay.relaying()) {
      info.setBackendAddress(relay.backend().address());
    }
    String serverName = relay.lease().serverName();
    if (!serverName.isEmpty()) {
      // No DNS name is longer; a client's longer one is cut, so a listing stays small.
      info.setServerName(
          serverName.length() <= MAX_SERVER_NAME
              ? serverName
              : serverName.substring(0, MAX_SERVER_NAME));
    }
    return info.build();
  }

  private record Entry(Channel channel) {
    FrontendHandler relay() {
      return channel.pipeline().get(FrontendHandler.class);
    }
  }

  private interface Visit {
    /** What to report for one connection, or null to skip it; runs on its event loop. */
    ConnectionInfo visit(Entry entry);
  }

  private static Map<EventLoop, List<Entry>> byLoop(List<Listener> listeners, String pool) {
    Map<EventLoop, List<Entry>> byLoop = new HashMap<>();
    for (Listener listener : listeners) {
      if (!pool.isEmpty() && listener.pools().stream().noneMatch(p -> p.name().equals(pool))) {
        continue;
      }
      for (Channel ch : listener.connections()) {
        byLoop.computeIfAbsent(ch.eventLoop(), l -> new ArrayList<>()).add(new Entry(ch));
      }
    }
    return byLoop;
  }

  private static CompletableFuture<List<ConnectionInfo>> onLoop(
      EventLoop loop, List<Entry> entries, Visit visit) {
    CompletableFuture<List<ConnectionInfo>> part = new CompletableFuture<>();
    try {
      loop.execute(
          () -> {
            List<ConnectionInfo> found = new ArrayList<>();
            try {
              for (Entry entry : entries) {
                ConnectionInfo info = visit.visit(entry);
                if (info != null) {
                  found.add(info);
                }
              }
            } finally {
              part.complete(found);
            }
          });
    } catch (RejectedExecutionException shuttingDown) {
      // The loop is stopping and its connections with it: nothing there to list or close.
      part.complete(List.of());
    }
    return part;
  }
}
