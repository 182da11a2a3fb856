package dev.weir.control;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.control.admin.AdminServiceImpl;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.store.FileConfigStore;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running control plane: the store in a data dir, the pools, the fleet, and the gRPC server
 * serving {@code AdminService} and {@code ProxyService}.
 *
 * <p>The server builder comes from the caller, so tests can pass an in-process one.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);
  private static final long SHUTDOWN_GRACE_SECONDS = 5;

  private final Path dataDir;
  private final ServerBuilder<?> serverBuilder;
  private final Clock clock;
  private final CountDownLatch closed = new CountDownLatch(1);

  // Guarded by this.
  private boolean started;
  // Guarded by this.
  private boolean closing;
  // Set by start() while holding this; close() reads them after taking this.
  private FileConfigStore store;
  private ProxyFleet fleet;
  private Server server;

  public ControlPlane(Path dataDir, ServerBuilder<?> serverBuilder, Clock clock) {
    this.dataDir = dataDir;
    this.serverBuilder = serverBuilder;
    this.clock = clock;
  }

  /**
   * Loads the configuration and starts serving.
   *
   * @throws dev.weir.control.store.StoreCorruptException if the stored state cannot be trusted
   * @throws dev.weir.control.store.StoreLockedException if another control plane uses the dir
   * @throws IOException if the state cannot be read or the server cannot bind
   */
  public synchronized ControlPlane start() throws IOException {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    try {
      store = FileConfigStore.open(dataDir);
      PoolRegistry pools = PoolRegistry.load(store);
      ConfigSnapshot loaded = pools.current();
      log.info("loaded config version {} ({} pools) from {}",
          loaded.getVersion(), loaded.getPoolsCount(), store.stateFile());
      fleet = new ProxyFleet(pools, clock);
      server = serverBuilder
          .addService(new AdminServiceImpl(pools, fleet))
          .addService(fleet.service())
          .build()
          .start();
      return this;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The port the server listens on (-1 for transports without one, such as in-process). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getPort();
  }

  /**
   * Ends proxy streams, lets admin calls in progress finish (for up to 5 seconds), stops the
   * server and releases the data dir. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    try {
      if (fleet != null) {
        fleet.close();
      }
      if (server != null) {
        stopServer();
      }
      if (store != null) {
        store.close();
      }
    } catch (IOException e) {
      log.warn("could not release the data dir cleanly", e);
    } finally {
      closed.countDown();
    }
    if (server != null) {
      log.info("weir-control stopped");
    }
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  private void stopServer() {
    server.shutdown();
    try {
      if (!server.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
        log.warn("calls still running after {} s; cancelling them", SHUTDOWN_GRACE_SECONDS);
        server.shutdownNow();
        server.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
