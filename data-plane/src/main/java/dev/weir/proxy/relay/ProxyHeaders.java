package dev.weir.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** HAProxy's PROXY protocol headers: the one sent to a backend, and reading one received. */
public final class ProxyHeaders {

  private static final String ENCODER = "weir-proxy-header";
  // Written by hand: Netty's encoder writes v1 headers with addresses only.
  private static final byte[] UNKNOWN_V1 = "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LOCAL_V2 = encode(new HAProxyMessage(HAProxyProtocolVersion.V2,
      HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0));

  private ProxyHeaders() {}

  /**
   * The header for a connection the proxy makes on its own behalf, such as a health check: v2's
   * LOCAL command, or v1's "PROXY UNKNOWN", which tell the backend to use the connection's own
   * addresses.
   */
  public static byte[] local(int version) {
    return (version == 1 ? UNKNOWN_V1 : LOCAL_V2).clone();
  }

  private static byte[] encode(HAProxyMessage header) {
    EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    try {
      channel.writeOutbound(header);
      ByteBuf encoded = channel.readOutbound();
      try {
        return ByteBufUtil.getBytes(encoded);
      } finally {
        encoded.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /**
   * Writes (without flushing) a header saying {@code source} connected to {@code destination} as
   * the first bytes to {@code backend}. Must run on the backend's event loop.
   *
   * @param version 1 for the text header, 2 for the binary one
   */
  static void write(
      Channel backend, int version, InetSocketAddress source, InetSocketAddress destination) {
    HAProxyMessage header = header(version, source, destination);
    if (header == null) {
      backend.write(Unpooled.wrappedBuffer(UNKNOWN_V1), backend.voidPromise());
      return;
    }
    // Only for this one write: on the loop's own thread it is encoded before write() returns.
    backend.pipeline().addFirst(ENCODER, HAProxyMessageEncoder.INSTANCE);
    try {
      backend.write(header, backend.voidPromise());
    } finally {
      backend.pipeline().remove(ENCODER);
    }
  }

  /** The header to send; null for v1's "PROXY UNKNOWN", which Netty cannot encode. */
  static HAProxyMessage header(int version, InetSocketAddress source,
      InetSocketAddress destination) {
    HAProxyProtocolVersion v = version == 1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
    InetAddress from = source.getAddress();
    InetAddress to = destination.getAddress();
    HAProxyProxiedProtocol protocol;
    if (from instanceof Inet4Address && to instanceof Inet4Address) {
      protocol = HAProxyProxiedProtocol.TCP4;
    } else if (from instanceof Inet6Address && to instanceof Inet6Address) {
      protocol = HAProxyProxiedProtocol.TCP6;
    } else {
      // Mixed families cannot be written as one address pair; the spec's answer is UNKNOWN.
      if (v == HAProxyProtocolVersion.V1) {
        return null;
      }
      return new HAProxyMessage(v, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNKNOWN,
          null, null, 0, 0);
    }
    return new HAProxyMessage(v, HAProxyCommand.PROXY, protocol, from.getHostAddress(),
        to.getHostAddress(), source.getPort(), destination.getPort());
  }

  /**
   * The addresses a received header claims, or null when it names none: a LOCAL command (the
   * balancer's own check) or an UNKNOWN protocol, where the connection's own addresses stand.
   *
   * @throws IllegalArgumentException for a header about something other than TCP
   */
  static ClientAddresses claimed(HAProxyMessage header) {
    if (header.command() == HAProxyCommand.LOCAL
        || header.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN) {
      return null;
    }
    if (header.proxiedProtocol() != HAProxyProxiedProtocol.TCP4
        && header.proxiedProtocol() != HAProxyProxiedProtocol.TCP6) {
      throw new IllegalArgumentException(
          "proxied protocol " + header.proxiedProtocol() + " is not TCP over IPv4 or IPv6");
    }
    return new ClientAddresses(
        address(header.sourceAddress(), header.sourcePort()),
        address(header.destinationAddress(), header.destinationPort()));
  }

  private static InetSocketAddress address(String ip, int port) {
    // An IP literal, never a name: no lookup happens here.
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
    if (address == null) {
      throw new IllegalArgumentException("\"" + ip + "\" is not an IP address");
    }
    return new InetSocketAddress(address, port);
  }
}
