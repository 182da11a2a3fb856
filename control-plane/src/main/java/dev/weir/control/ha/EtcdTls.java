package dev.weir.control.ha;

import io.grpc.netty.GrpcSslContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS to etcd ({@code https://} endpoints): which CA vouches for etcd's certificate and, for an
 * etcd started with {@code --client-cert-auth}, the certificate the control plane shows it. Read
 * once at start, so a bad file stops the start naming its flag before etcd is dialled.
 */
public final class EtcdTls {

  // How long a probe waits after its handshake for the refusal TLS 1.3 sends then.
  private static final long AFTER_HANDSHAKE_MILLIS = 500;

  private final SslContext context;
  private final String summary;

  private EtcdTls(SslContext context, String summary) {
    this.context = context;
    this.summary = summary;
  }

  /**
   * Reads the PEM files.
   *
   * @param ca the CA certificate(s) that signed etcd's, or null for the JDK's trusted CAs
   * @param certificate the client certificate chain, or null to show none; needs {@code key}
   * @param key its PKCS#8 private key, or null
   * @throws IllegalArgumentException naming the flag whose file is missing, unreadable or not what
   *     it should be
   */
  public static EtcdTls read(Path ca, Path certificate, Path key) {
    if ((certificate == null) != (key == null)) {
      throw new IllegalArgumentException("--etcd-cert and --etcd-key go together; give both");
    }
    SslContextBuilder builder = GrpcSslContexts.forClient();
    if (ca != null) {
      File caFile = readable(ca, "--etcd-ca");
      try {
        builder.trustManager(caFile);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--etcd-ca " + ca + ": not a PEM certificate: " + e.getMessage(), e);
      }
    }
    if (certificate != null) {
      File certFile = readable(certificate, "--etcd-cert");
      File keyFile = readable(key, "--etcd-key");
      try {
        builder.keyManager(certFile, keyFile);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--etcd-cert "
                + certificate
                + " / --etcd-key "
                + key
                + ": not a PEM certificate chain and PKCS#8 key: "
                + e.getMessage(),
            e);
      }
    }
    String trust = "etcd's certificate checked against " + (ca != null ? ca : "the JDK's CAs");
    String summary = certificate != null ? trust + ", client certificate " + certificate : trust;
    try {
      return new EtcdTls(builder.build(), summary);
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          "TLS to etcd cannot be set up from --etcd-ca, "
              + "--etcd-cert and --etcd-key: "
              + e.getMessage(),
          e);
    }
  }

  /** What jetcd's client is given. */
  SslContext context() {
    return context;
  }

  /**
   * Why no TLS session can be had with {@code endpoint}, or null when one can: jetcd retries a
   * failed handshake until the call's deadline and reports only that it ran out, so a start that
   * cannot reach etcd asks this for the reason (an untrusted certificate, a refused client
   * certificate). Checks etcd's certificate against the host name as gRPC does; waits up to {@code
   * timeout} for the handshake and a moment more for a refusal that TLS 1.3 sends after it.
   */
  String whyNoSession(URI endpoint, Duration timeout) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      CompletableFuture<String> outcome = new CompletableFuture<>();
      Bootstrap bootstrap =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      SslHandler tls =
                          context.newHandler(ch.alloc(), endpoint.getHost(), endpoint.getPort());
                      SSLParameters parameters = tls.engine().getSSLParameters();
                      parameters.setEndpointIdentificationAlgorithm("HTTPS");
                      tls.engine().setSSLParameters(parameters);
                      tls.handshakeFuture()
                          .addListener(
                              done -> {
                                if (!done.isSuccess()) {
                                  outcome.complete(reason(done.cause()));
                                } else {
                                  ch.eventLoop()
                                      .schedule(
                                          () -> outcome.complete(null),
                                          AFTER_HANDSHAKE_MILLIS,
                                          TimeUnit.MILLISECONDS);
                                }
                              });
                      ch.pipeline()
                          .addLast(
                              tls,
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void exceptionCaught(
                                    ChannelHandlerContext ctx, Throwable cause) {
                                  outcome.complete(reason(cause));
                                  ctx.close();
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                  outcome.complete(
                                      "etcd closed the connection during or right after the "
                                          + "TLS handshake");
                                }
                              });
                    }
                  });
      bootstrap
          .connect(endpoint.getHost(), endpoint.getPort())
          .addListener(
              connected -> {
                if (!connected.isSuccess()) {
                  outcome.complete("cannot connect: " + reason(connected.cause()));
                }
              });
      return outcome.get(timeout.toMillis() + AFTER_HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return "no TLS handshake within " + timeout.toMillis() + " ms";
    } catch (ExecutionException e) {
      return reason(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }
  }

  private static String reason(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() != null ? root.getMessage() : root.toString();
    if (message.contains("certification path") || message.contains("No subject alternative")) {
      return message
          + " (--etcd-ca must name the CA that signed etcd's certificate, which "
          + "must name the endpoint's host)";
    }
    // The JDK says "Received fatal alert: bad_certificate", BoringSSL (when netty-tcnative is on
    // the class path) "SSLV3_ALERT_BAD_CERTIFICATE": the alert is named the same way for both.
    String lower = message.toLowerCase(Locale.ROOT);
    for (String alert : List.of("bad_certificate", "certificate_required", "unknown_ca")) {
      if (lower.contains(alert)) {
        return message
            + " (TLS alert "
            + alert
            + ": etcd refused the client certificate, or its absence: give "
            + "--etcd-cert and --etcd-key issued by a CA etcd's --trusted-ca-file names)";
      }
    }
    return message;
  }

  @Override
  public String toString() {
    return summary;
  }

  private static File readable(Path file, String option) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " " + file + ": no such file");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(option + " " + file + ": not readable");
    }
    return file.toFile();
  }
}
