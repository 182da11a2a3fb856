package dev.weir.control.fleet;

import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.CloseConnectionResponse;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;

/**
 * Asks another control-plane replica about its own proxies' connections (ReplicaService). Each call
 * is one round trip with a deadline; a failure is a StatusRuntimeException.
 */
public interface PeerQueries {
  PeerQueries NONE =
      new PeerQueries() {
        @Override
        public CompletableFuture<ListConnectionsResponse> listConnections(
            String replicaId, ListConnectionsRequest request) {
          return CompletableFuture.failedFuture(unknown(replicaId));
        }

        @Override
        public CompletableFuture<CloseConnectionResponse> closeConnection(
            String replicaId, CloseConnectionRequest request) {
          return CompletableFuture.failedFuture(unknown(replicaId));
        }

        private RuntimeException unknown(String replicaId) {
          return Status.UNAVAILABLE
              .withDescription("no link to replica " + replicaId)
              .asRuntimeException();
        }
      };

  CompletableFuture<ListConnectionsResponse> listConnections(
      String replicaId, ListConnectionsRequest request);

  CompletableFuture<CloseConnectionResponse> closeConnection(
      String replicaId, CloseConnectionRequest request);
}
