package dev.weir.proxy.tls;

import dev.weir.proxy.tls.PemFiles.FileProblem;
import dev.weir.proxy.tls.TlsTerminationConfig.BackendTlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * TLS from the proxy to a pool's backends (re-encryption): each backend's certificate is verified
 * against the pool's CA file (or the JDK's trusted CAs) and must name the configured server name,
 * else the backend's own host; that name is also sent as SNI.
 */
public final class BackendTls {

  private final SslContext context;
  private final String serverName;

  private BackendTls(SslContext context, String serverName) {
    this.context = context;
    this.serverName = serverName;
  }

  /**
   * @throws IllegalArgumentException naming the pool, the field, the file and the reason
   */
  public static BackendTls load(String pool, BackendTlsConfig config) {
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .sslProvider(TlsProviders.provider())
            .endpointIdentificationAlgorithm("HTTPS");
    if (config.ca() != null) {
      try {
        X509Certificate[] cas = PemFiles.certificates(config.ca());
        builder.trustManager(cas);
      } catch (FileProblem e) {
        throw new IllegalArgumentException(
            "pool " + pool + ": settings.tls_termination.backend_tls.ca_file " + e.getMessage(), e);
      }
    }
    try {
      return new BackendTls(builder.build(), config.serverName());
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          "pool " + pool + ": settings.tls_termination.backend_tls: " + e.getMessage(), e);
    }
  }

  /** A client-mode handler for a connection to {@code backend}; it starts the handshake. */
  public SslHandler newHandler(ByteBufAllocator alloc, InetSocketAddress backend) {
    String name = serverName != null ? serverName : backend.getHostString();
    return context.newHandler(alloc, name, backend.getPort());
  }
}
