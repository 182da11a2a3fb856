package dev.weir.control.fleet;

import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.MissingReplica;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections across replicas: a listing asks this replica's proxies and every other replica (one
 * call each, in parallel) and merges the answers; a close goes to the replica whose proxy holds the
 * connection. A replica that fails to answer is named in the coverage, never silently left out.
 */
final class ReplicaConnections {
  private static final Logger log = LoggerFactory.getLogger(ReplicaConnections.class);

  private final ConnectionQueries local;
  private final ProxyDirectory directory;
  private final OtherReplicas others;
  private volatile PeerQueries peers = PeerQueries.NONE;

  ReplicaConnections(ConnectionQueries local, ProxyDirectory directory, OtherReplicas others) {
    this.local = local;
    this.directory = directory;
    this.others = others;
  }

  void peers(PeerQueries peers) {
    this.peers = peers;
  }

  CompletableFuture<ListConnectionsResponse> list(
      String pool, String backend, String proxy, int limit) {
    if (!proxy.isEmpty() && !connectedHere(proxy)) {
      String replica = others.replicaOf(proxy);
      if (replica != null) {
        return peers
            .listConnections(replica, request(pool, backend, proxy, limit))
            .thenApply(answer -> answer.toBuilder().setCoverage(others.coverage()).build());
      }
      MissingReplica missing = others.missingWith(proxy);
      if (missing != null) {
        return CompletableFuture.failedFuture(unreachable(proxy, missing));
      }
    }
    CompletableFuture<ListConnectionsResponse> here = local.list(pool, backend, proxy, limit);
    if (!proxy.isEmpty()) {
      return here.thenApply(answer -> answer.toBuilder().setCoverage(others.coverage()).build());
    }
    Map<String, CompletableFuture<ListConnectionsResponse>> asked = new LinkedHashMap<>();
    for (String replica : others.followed()) {
      asked.put(replica, peers.listConnections(replica, request(pool, backend, "", limit)));
    }
    List<CompletableFuture<?>> all = new ArrayList<>(asked.values());
    all.add(here);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .handle((done, error) -> merge(here.join(), asked, limit));
  }

  CompletableFuture<ConnectionInfo> close(String proxyId, long sequence) {
    if (!connectedHere(proxyId)) {
      String replica = others.replicaOf(proxyId);
      if (replica != null) {
        return peers
            .closeConnection(
                replica,
                CloseConnectionRequest.newBuilder().setId(proxyId + "/" + sequence).build())
            .thenApply(answer -> answer.getConnection());
      }
      MissingReplica missing = others.missingWith(proxyId);
      if (missing != null) {
        return CompletableFuture.failedFuture(unreachable(proxyId, missing));
      }
    }
    return local.close(proxyId, sequence);
  }

  private boolean connectedHere(String proxyId) {
    ProxyRecord record = directory.find(proxyId);
    return record != null && record.connected();
  }

  private ListConnectionsResponse merge(
      ListConnectionsResponse here,
      Map<String, CompletableFuture<ListConnectionsResponse>> asked,
      int limit) {
    FleetCoverage coverage = others.coverage();
    FleetCoverage.Builder covered =
        coverage.toBuilder().clearReplicas().clearMissing().addReplicas(coverage.getAnsweredBy());
    covered.addAllMissing(coverage.getMissingList());
    Map<String, ConnectionInfo> byId = new LinkedHashMap<>();
    here.getConnectionsList().forEach(c -> byId.put(c.getId(), c));
    TreeSet<String> unanswered = new TreeSet<>(here.getUnansweredProxiesList());
    boolean truncated = here.getTruncated();
    for (Map.Entry<String, CompletableFuture<ListConnectionsResponse>> entry : asked.entrySet()) {
      String replica = entry.getKey();
      ListConnectionsResponse answer;
      try {
        answer = entry.getValue().join();
      } catch (RuntimeException e) {
        Status status = Status.fromThrowable(ConnectionQueries.unwrap(e));
        log.info("replica {} left out of a connection listing: {}", replica, status);
        covered.addMissing(
            MissingReplica.newBuilder()
                .setReplicaId(replica)
                .setAddress(others.addresses().getOrDefault(replica, ""))
                .setReason(
                    "did not answer the listing: "
                        + status.getCode()
                        + (status.getDescription() != null ? ": " + status.getDescription() : "")));
        continue;
      }
      covered.addReplicas(replica);
      answer.getConnectionsList().forEach(c -> byId.putIfAbsent(c.getId(), c));
      unanswered.addAll(answer.getUnansweredProxiesList());
      truncated |= answer.getTruncated();
    }
    List<ConnectionInfo> connections = new ArrayList<>(byId.values());
    connections.sort(
        Comparator.comparing(ConnectionInfo::getProxyId)
            .thenComparingLong(ConnectionInfo::getSequence));
    if (connections.size() > limit) {
      truncated = true;
      connections = connections.subList(0, limit);
    }
    return ListConnectionsResponse.newBuilder()
        .addAllConnections(connections)
        .setTruncated(truncated)
        .addAllUnansweredProxies(unanswered)
        .setCoverage(covered)
        .build();
  }

  private static ListConnectionsRequest request(
      String pool, String backend, String proxy, int limit) {
    return ListConnectionsRequest.newBuilder()
        .setPool(pool)
        .setBackend(backend)
        .setProxy(proxy)
        .setLimit(limit)
        .build();
  }

  private static StatusRuntimeException unreachable(String proxyId, MissingReplica missing) {
    return Status.UNAVAILABLE
        .withDescription(
            "proxy "
                + proxyId
                + " was last connected to "
                + "control-plane replica "
                + missing.getReplicaId()
                + " ("
                + missing.getAddress()
                + "), which is missing ("
                + missing.getReason()
                + ")")
        .asRuntimeException();
  }
}
