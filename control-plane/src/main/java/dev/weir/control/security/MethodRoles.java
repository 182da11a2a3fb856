package dev.weir.control.security;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.api.v1.ReplicaServiceGrpc;
import io.grpc.MethodDescriptor;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which roles may call which rpc. AdminService rpcs are admin-only unless listed here as reads, so
 * an rpc added later changes nothing until someone decides a viewer may call it.
 */
final class MethodRoles {

  private static final Set<String> ADMIN_READS =
      Set.of(
          AdminServiceGrpc.getListPoolsMethod().getFullMethodName(),
          AdminServiceGrpc.getGetPoolMethod().getFullMethodName(),
          AdminServiceGrpc.getListProxiesMethod().getFullMethodName(),
          AdminServiceGrpc.getGetPoolStatusMethod().getFullMethodName(),
          // Clients' addresses and byte counts; closing one (CloseConnection) stays admin-only.
          AdminServiceGrpc.getListConnectionsMethod().getFullMethodName(),
          AdminServiceGrpc.getWaitForAppliedMethod().getFullMethodName(),
          AdminServiceGrpc.getListRevisionsMethod().getFullMethodName(),
          AdminServiceGrpc.getGetRevisionMethod().getFullMethodName(),
          AdminServiceGrpc.getDiffRevisionsMethod().getFullMethodName(),
          AdminServiceGrpc.getWatchMethod().getFullMethodName(),
          // The same pools ListPools shows a viewer, in the form import takes.
          AdminServiceGrpc.getExportConfigMethod().getFullMethodName());
  private static final String HEALTH_SERVICE = "grpc.health.v1.Health";
  private static final Set<String> REFLECTION_SERVICES =
      Set.of("grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

  private static final Set<Role> ADMIN_ONLY = EnumSet.of(Role.ADMIN);
  private static final Set<Role> READERS = EnumSet.of(Role.ADMIN, Role.VIEWER);
  private static final Set<Role> PROXIES = EnumSet.of(Role.PROXY);
  private static final Set<Role> REPLICAS = EnumSet.of(Role.REPLICA);

  private MethodRoles() {}

  /** Whether anyone may call it without credentials: the health service, for probes. */
  static boolean isOpen(String fullMethodName) {
    return HEALTH_SERVICE.equals(MethodDescriptor.extractFullServiceName(fullMethodName));
  }

  /** The roles that may call {@code fullMethodName}; admin only for anything not known here. */
  static Set<Role> allowed(String fullMethodName) {
    String service = MethodDescriptor.extractFullServiceName(fullMethodName);
    if (ProxyServiceGrpc.SERVICE_NAME.equals(service)) {
      return PROXIES;
    }
    if (ReplicaServiceGrpc.SERVICE_NAME.equals(service)) {
      return REPLICAS;
    }
    if (ADMIN_READS.contains(fullMethodName) || REFLECTION_SERVICES.contains(service)) {
      return READERS;
    }
    return ADMIN_ONLY;
  }
}
