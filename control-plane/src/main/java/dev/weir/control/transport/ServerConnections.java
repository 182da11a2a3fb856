package dev.weir.control.transport;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a control-plane server allows a connection before it speaks gRPC: a place under the {@link
 * ConnectionGate}'s cap, and {@code handshakeTimeout} to finish the TLS handshake and send the
 * HTTP/2 preface, after which gRPC closes it. A connection that sends nothing would otherwise hold
 * a file descriptor for as long as the peer likes.
 */
public final class ServerConnections {

  private final ConnectionGate gate;
  private final Duration handshakeTimeout;

  public ServerConnections(ConnectionGate gate, Duration handshakeTimeout) {
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "handshake timeout must be positive, got " + handshakeTimeout);
    }
    this.gate = gate;
    this.handshakeTimeout = handshakeTimeout;
  }

  public ConnectionGate gate() {
    return gate;
  }

  /** Puts {@code builder}'s listening sockets behind the gate; returns it. */
  public NettyServerBuilder apply(NettyServerBuilder builder) {
    // The gate sits on the listening socket's pipeline, which only a channel factory of our own
    // reaches; grpc then wants the event loops named too: its shared NIO ones, which it owns.
    InternalNettyServerBuilder.useNioTransport(builder);
    return builder
        .channelFactory(
            () -> {
              NioServerSocketChannel socket = new NioServerSocketChannel();
              // First in the pipeline: ahead of the acceptor the server bootstrap adds on register.
              socket.pipeline().addLast(gate);
              return socket;
            })
        .addTransportFilter(
            new ServerTransportFilter() {
              @Override
              public Attributes transportReady(Attributes attributes) {
                gate.speaking(attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                return attributes;
              }
            })
        .handshakeTimeout(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
