package dev.weir.control.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.Test;

class PeerAddressTest {

  @Test
  void anIpv4PeerIsWrittenAsHostColonPort() throws Exception {
    SocketAddress peer = new InetSocketAddress(InetAddress.getByName("10.0.0.7"), 53211);

    assertThat(PeerAddress.format(peer)).isEqualTo("10.0.0.7:53211");
  }

  @Test
  void anIpv6PeerIsWrittenInBrackets() throws Exception {
    SocketAddress peer = new InetSocketAddress(InetAddress.getByName("::1"), 443);

    assertThat(PeerAddress.format(peer)).isEqualTo("[0:0:0:0:0:0:0:1]:443");
  }

  @Test
  void anUnresolvedPeerKeepsItsName() {
    SocketAddress peer = InetSocketAddress.createUnresolved("edge-1", 9901);

    assertThat(PeerAddress.format(peer)).isEqualTo("edge-1:9901");
  }

  @Test
  void aCallWithoutAnAddressSaysSo() {
    assertThat(PeerAddress.format(null)).isEqualTo("unknown address");
  }
}
