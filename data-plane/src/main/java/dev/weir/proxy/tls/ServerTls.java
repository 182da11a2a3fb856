package dev.weir.proxy.tls;

import dev.weir.proxy.tls.ServerContexts.LoadFailure;
import dev.weir.proxy.tls.TlsTerminationConfig.CertificateFiles;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's TLS termination: the contexts built from its files, swapped whole when the files
 * change ({@link #refresh}), so each new connection gets the newest good certificate and open ones
 * keep theirs. A change that does not load is logged once and counted, and the contexts loaded
 * before keep serving.
 */
public final class ServerTls {

  /** The largest ClientHello read to choose a certificate by name; as the routing stage's. */
  private static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  private final String pool;
  private final TlsTerminationConfig config;
  private final List<Path> files;
  private final AtomicLong reloadFailures = new AtomicLong();
  private volatile ServerContexts contexts;
  // Touched only by refresh, which one thread calls at a time.
  private List<Stamp> stamps;
  private String lastFailure;

  private ServerTls(
      String pool, TlsTerminationConfig config, ServerContexts contexts, List<Stamp> stamps) {
    this.pool = pool;
    this.config = config;
    this.contexts = contexts;
    this.stamps = stamps;
    this.files = files(config);
  }

  /**
   * Loads the pool's files; warns once about keys others may read.
   *
   * @throws IllegalArgumentException naming the pool, field, file and reason
   */
  public static ServerTls load(String pool, TlsTerminationConfig config) {
    List<Stamp> stamps = stamps(files(config));
    try {
      ServerTls tls = new ServerTls(pool, config, ServerContexts.load(config), stamps);
      tls.warnAboutReadableKeys();
      return tls;
    } catch (LoadFailure e) {
      throw new IllegalArgumentException("pool " + pool + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that the pool's files load, as a proxy does before it accepts a config.
   *
   * @throws IllegalArgumentException naming the pool, field, file and reason
   */
  public static void check(String pool, TlsTerminationConfig config) {
    try {
      ServerContexts.load(config);
    } catch (LoadFailure e) {
      throw new IllegalArgumentException("pool " + pool + ": " + e.getMessage(), e);
    }
  }

  public String pool() {
    return pool;
  }

  public TlsTerminationConfig config() {
    return config;
  }

  /**
   * The handler that terminates one new connection: an SslHandler of the only certificate, or
   * Netty's SniHandler choosing among several by the client's server name. Its own handshake
   * timeout is off; the handshake stage behind it keeps (and counts) the deadline.
   */
  public ChannelHandler newHandler(ByteBufAllocator alloc) {
    ServerContexts current = contexts;
    if (current.expiries().size() == 1) {
      SslHandler handler = current.first().newHandler(alloc);
      handler.setHandshakeTimeoutMillis(0);
      return handler;
    }
    return new SniHandler(current.byName(), MAX_CLIENT_HELLO_BYTES, 0L) {
      @Override
      protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        SslHandler handler = super.newSslHandler(context, allocator);
        handler.setHandshakeTimeoutMillis(0);
        return handler;
      }
    };
  }

  /** Each certificate file with its notAfter, in config order, as loaded last. */
  public List<Expiry> expiries() {
    List<Instant> notAfter = contexts.expiries();
    List<Expiry> expiries = new ArrayList<>(notAfter.size());
    for (int i = 0; i < notAfter.size(); i++) {
      expiries.add(new Expiry(config.certificates().get(i).certFile(), notAfter.get(i)));
    }
    return expiries;
  }

  /** Changes of the files that could not be loaded, since this pool's config took effect. */
  public long reloadFailures() {
    return reloadFailures.get();
  }

  /**
   * Loads the files again if any changed (size, modification time, or the file a symbolic link
   * points to, as Kubernetes swaps secret mounts) since they were last looked at. Called by one
   * thread at a time.
   *
   * @return whether new contexts are in use
   */
  public boolean refresh() {
    List<Stamp> now = stamps(files);
    if (now.equals(stamps)) {
      return false;
    }
    stamps = now;
    try {
      contexts = ServerContexts.load(config);
      lastFailure = null;
      log.info("pool {}: reloaded its TLS certificates from {}", pool, files);
      warnAboutReadableKeys();
      return true;
    } catch (LoadFailure e) {
      reloadFailures.incrementAndGet();
      if (!e.fileAndReason().equals(lastFailure)) {
        lastFailure = e.fileAndReason();
        log.error(
            "pool {}: {}; still serving the certificates loaded before", pool, e.getMessage());
      }
      return false;
    }
  }

  private void warnAboutReadableKeys() {
    for (CertificateFiles c : config.certificates()) {
      try {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(c.keyFile());
        if (mode.contains(PosixFilePermission.GROUP_READ)
            || mode.contains(PosixFilePermission.OTHERS_READ)) {
          log.warn(
              "pool {}: key file {} is readable by its group or by everyone; make it"
                  + " readable by the proxy's user only (chmod 600)",
              pool,
              c.keyFile());
        }
      } catch (IOException | UnsupportedOperationException e) {
        // Not a POSIX file system, or gone meanwhile: the load says what matters.
      }
    }
  }

  private static List<Path> files(TlsTerminationConfig config) {
    List<Path> files = new ArrayList<>();
    for (CertificateFiles c : config.certificates()) {
      files.add(c.certFile());
      files.add(c.keyFile());
    }
    if (config.clientCa() != null) {
      files.add(config.clientCa());
    }
    return List.copyOf(files);
  }

  private static List<Stamp> stamps(List<Path> files) {
    List<Stamp> stamps = new ArrayList<>(files.size());
    for (Path file : files) {
      stamps.add(Stamp.of(file));
    }
    return stamps;
  }

  /** A certificate file and when it stops being valid. */
  public record Expiry(Path certFile, Instant notAfter) {}

  /** What tells a changed file: where its links lead, its size and modification time. */
  private record Stamp(Path real, long size, long modifiedMillis) {
    static Stamp of(Path file) {
      try {
        Path real = file.toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
        return new Stamp(real, attributes.size(), attributes.lastModifiedTime().toMillis());
      } catch (IOException e) {
        // Gone or unreadable: a stamp of its own, so its return is a change too.
        return new Stamp(file, -1, -1);
      }
    }
  }

  @Override
  public String toString() {
    return "ServerTls[" + pool + ", " + Objects.toString(files) + "]";
  }
}
