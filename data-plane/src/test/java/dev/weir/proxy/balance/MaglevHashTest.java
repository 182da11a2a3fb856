package dev.weir.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Every proxy must hash a client the same way, across JVMs and Weir versions: these values are
 * pinned so a change to the hash, which would move clients between backends on an upgrade, fails
 * here first.
 */
class MaglevHashTest {

  @Test
  void ipv4ClientsHashToPinnedValuesWhateverThePort() throws Exception {
    long a = MaglevPicker.hashOf(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1));
    long b = MaglevPicker.hashOf(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 2));
    assertThat(a).isEqualTo(b).isEqualTo(PINNED_V4);
  }

  @Test
  void ipv6ClientsHashToPinnedValues() throws Exception {
    assertThat(MaglevPicker.hashOf(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1)))
        .isEqualTo(PINNED_V6);
  }

  @Test
  void backendPlacementHashIsPinned() {
    assertThat(
            MaglevTable.hash(
                "10.0.0.1:80".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                0x9E3779B97F4A7C15L))
        .isEqualTo(PINNED_BACKEND);
  }

  private static final long PINNED_V4 = -2069976110562969746L;
  private static final long PINNED_V6 = 2408786321526754391L;
  private static final long PINNED_BACKEND = 7196438193738627283L;
}
