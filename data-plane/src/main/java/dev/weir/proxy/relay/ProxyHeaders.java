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
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** HAProxy's PROXY protocol headers: the one sent to a backend, and reading one received. */
public final class ProxyHeaders {

  private static final String ENCODER = "weir-proxy-header";
  // Written by hand: Netty's encoder writes v1 headers with addresses only.
  private static final byte[] UNKNOWN_V1 = "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LOCAL_V2 =
      encode(
          new HAProxyMessage(
              HAProxyProtocolVersion.V2,
              HAProxyCommand.LOCAL,
              HAProxyProxiedProtocol.UNKNOWN,
              null,
              null,
              0,
              0));

  // The client bits of PP2_TYPE_SSL (proxy-protocol.txt, 2.2.5).
  private static final int PP2_CLIENT_SSL = 0x01;
  private static final int PP2_CLIENT_CERT_CONN = 0x02;

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
    write(backend, version, source, destination, null);
  }

  /**
   * As above; a v2 header also carries {@code identity}, the client certificate TLS termination
   * verified, as HAProxy's SSL TLV (PP2_TYPE_SSL with PP2_SUBTYPE_SSL_CN).
   *
   * @param identity null when the client sent none, or TLS was not terminated here
   */
  static void write(
      Channel backend,
      int version,
      InetSocketAddress source,
      InetSocketAddress destination,
      ClientIdentity identity) {
    HAProxyMessage header = withIdentity(header(version, source, destination), identity);
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

  /** {@code header} with an SSL TLV for {@code identity}; v1 headers carry no TLVs. */
  static HAProxyMessage withIdentity(HAProxyMessage header, ClientIdentity identity) {
    if (header == null
        || identity == null
        || header.protocolVersion() != HAProxyProtocolVersion.V2) {
      return header;
    }
    List<HAProxyTLV> inner = new ArrayList<>(1);
    if (identity.commonName() != null) {
      inner.add(
          new HAProxyTLV(
              HAProxyTLV.Type.PP2_TYPE_SSL_CN,
              Unpooled.copiedBuffer(identity.commonName(), StandardCharsets.UTF_8)));
    }
    // verify = 0: the certificate was verified (the handshake would have failed otherwise).
    HAProxySSLTLV ssl = new HAProxySSLTLV(0, (byte) (PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN), inner);
    return new HAProxyMessage(
        header.protocolVersion(),
        header.command(),
        header.proxiedProtocol(),
        header.sourceAddress(),
        header.destinationAddress(),
        header.sourcePort(),
        header.destinationPort(),
        List.of(ssl));
  }

  /** The header to send; null for v1's "PROXY UNKNOWN", which Netty cannot encode. */
  static HAProxyMessage header(
      int version, InetSocketAddress source, InetSocketAddress destination) {
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
      return new HAProxyMessage(
          v, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);
    }
    return new HAProxyMessage(
        v,
        HAProxyCommand.PROXY,
        protocol,
        from.getHostAddress(),
        to.getHostAddress(),
        source.getPort(),
        destination.getPort());
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
