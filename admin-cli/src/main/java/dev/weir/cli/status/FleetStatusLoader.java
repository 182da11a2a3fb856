package dev.weir.cli.status;

import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolStatus;
import dev.weir.cli.session.Session;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link FleetStatus} with the existing calls: ListPools, GetPoolStatus per pool, then
 * ListProxies, whose config version is the newest of the three reads.
 */
final class FleetStatusLoader {

  private FleetStatusLoader() {}

  static FleetStatus load(Session session) {
    List<PoolStatus> pools = new ArrayList<>();
    List<Pool> configured =
        session.admin().listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList();
    for (Pool pool : configured) {
      GetPoolStatusRequest request =
          GetPoolStatusRequest.newBuilder().setName(pool.getName()).build();
      try {
        pools.add(session.admin().getPoolStatus(request));
      } catch (StatusRuntimeException e) {
        // Deleted between the two calls: it is simply no longer part of the fleet.
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
    ListProxiesResponse proxies =
        session.admin().listProxies(ListProxiesRequest.getDefaultInstance());
    return new FleetStatus(
        session.controlPlane(),
        proxies.getConfigVersion(),
        pools,
        proxies.getProxiesList(),
        proxies.getCoverage());
  }
}
