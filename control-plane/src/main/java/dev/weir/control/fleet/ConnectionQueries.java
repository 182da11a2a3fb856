package dev.weir.control.fleet;

import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ListConnectionsCommand;
import dev.weir.api.v1.ListConnectionsResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks connected proxies about their client connections through their streams: lists them across
 * the fleet (each proxy gets the same deadline; the answer names those that missed it) and closes
 * one on the proxy that holds it. What a proxy answers is checked, not trusted: the ids are the
 * control plane's, and entries that break the filters or limits are dropped.
 */
final class ConnectionQueries {
  private static final Logger log = LoggerFactory.getLogger(ConnectionQueries.class);
  // Longer than any address or pool name a proxy could honestly report.
  static final int MAX_FIELD_LENGTH = 300;

  private final ProxyDirectory directory;
  private final Duration timeout;

  ConnectionQueries(ProxyDirectory directory, Duration timeout) {
    this.directory = directory;
    this.timeout = timeout;
  }

  /** Fails with NOT_FOUND or UNAVAILABLE (as a StatusRuntimeException) for an unknown proxy. */
  CompletableFuture<ListConnectionsResponse> list(
      String pool, String backend, String proxy, int limit) {
    List<ProxySession> sessions;
    try {
      sessions = proxy.isEmpty() ? directory.connected() : List.of(connected(proxy));
    } catch (StatusRuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    ListConnectionsCommand command =
        ListConnectionsCommand.newBuilder()
            .setPool(pool)
            .setBackend(backend)
            .setLimit(limit)
            .build();
    List<CompletableFuture<Answer>> answers = new ArrayList<>(sessions.size());
    for (ProxySession session : sessions) {
      String id = session.proxyId();
      answers.add(
          session
              .listConnections(command, timeout)
              .handle((list, error) -> new Answer(id, list, error)));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(done -> merge(answers, pool, backend, limit));
  }

  /**
   * Closes {@code sequence} on {@code proxyId}; completes with the connection as it was, or fails
   * with NOT_FOUND (no such proxy or connection) or UNAVAILABLE (not connected, no answer).
   */
  CompletableFuture<ConnectionInfo> close(String proxyId, long sequence) {
    ProxySession session;
    try {
      session = connected(proxyId);
    } catch (StatusRuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    String id = proxyId + "/" + sequence;
    return session
        .closeConnection(sequence, timeout)
        .handle(
            (result, error) -> {
              if (error != null) {
                Status status = Status.fromThrowable(error);
                if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                  throw Status.UNAVAILABLE
                      .withDescription(
                          "proxy "
                              + proxyId
                              + " did not answer within "
                              + timeout.toMillis()
                              + " ms (it may run a Weir version that cannot close "
                              + "connections); connection "
                              + id
                              + " may still be open")
                      .asRuntimeException();
                }
                throw status.asRuntimeException();
              }
              if (!result.getFound()) {
                throw Status.NOT_FOUND
                    .withDescription(
                        "connection "
                            + id
                            + " is not open on proxy "
                            + proxyId
                            + " (it closed already, or never existed); 'weirctl connections' lists "
                            + "the open ones")
                    .asRuntimeException();
              }
              ConnectionInfo.Builder closed =
                  result.getConnection().toBuilder().setSequence(sequence);
              return closed.setProxyId(proxyId).setId(id).build();
            });
  }

  private ProxySession connected(String proxyId) {
    ProxyRecord record = directory.find(proxyId);
    if (record == null) {
      throw Status.NOT_FOUND
          .withDescription(
              "proxy \""
                  + proxyId
                  + "\" not found; 'weirctl "
                  + "proxies' lists the proxies this control plane knows")
          .asRuntimeException();
    }
    ProxySession session = record.session();
    if (session == null) {
      throw Status.UNAVAILABLE
          .withDescription("proxy " + proxyId + " is not connected to this " + "control plane")
          .asRuntimeException();
    }
    return session;
  }

  private record Answer(String proxyId, ConnectionList list, Throwable error) {}

  private static ListConnectionsResponse merge(
      List<CompletableFuture<Answer>> answers, String pool, String backend, int limit) {
    ListConnectionsResponse.Builder response = ListConnectionsResponse.newBuilder();
    List<ConnectionInfo> all = new ArrayList<>();
    int dropped = 0;
    for (CompletableFuture<Answer> future : answers) {
      Answer answer = future.join();
      if (answer.error() != null) {
        log.info(
            "proxy {} left out of a connection listing: {}",
            answer.proxyId(),
            Status.fromThrowable(answer.error()));
        response.addUnansweredProxies(answer.proxyId());
        continue;
      }
      List<ConnectionInfo> entries = answer.list().getConnectionsList();
      if (answer.list().getTruncated() || entries.size() > limit) {
        response.setTruncated(true);
      }
      for (ConnectionInfo entry : entries.subList(0, Math.min(limit, entries.size()))) {
        if (!plausible(entry, pool, backend)) {
          dropped++;
          continue;
        }
        all.add(
            entry.toBuilder()
                .setProxyId(answer.proxyId())
                .setId(answer.proxyId() + "/" + entry.getSequence())
                .build());
      }
    }
    if (dropped > 0) {
      log.warn(
          "dropped {} connection entries that proxies reported outside the filters or " + "limits",
          dropped);
    }
    all.sort(
        Comparator.comparing(ConnectionInfo::getProxyId)
            .thenComparingLong(ConnectionInfo::getSequence));
    if (all.size() > limit) {
      response.setTruncated(true);
      all = all.subList(0, limit);
    }
    return response.addAllConnections(all).build();
  }

  private static boolean plausible(ConnectionInfo entry, String pool, String backend) {
    if (!pool.isEmpty() && !pool.equals(entry.getPool())) {
      return false;
    }
    if (!backend.isEmpty() && !backend.equals(entry.getBackendAddress())) {
      return false;
    }
    return entry.getPool().length() <= MAX_FIELD_LENGTH
        && entry.getClientAddress().length() <= MAX_FIELD_LENGTH
        && entry.getListenAddress().length() <= MAX_FIELD_LENGTH
        && entry.getBackendAddress().length() <= MAX_FIELD_LENGTH;
  }

  /** The StatusRuntimeException inside a CompletionException, or the error itself. */
  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
