package dev.weir.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaglevPickerTest {

  private static InetSocketAddress client(int i, int port) throws Exception {
    return new InetSocketAddress(
        InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}),
        port);
  }

  @Test
  void aClientLandsOnTheSameBackendWhateverItsPortAndOnEveryProxy() throws Exception {
    Picker proxyA = new MaglevPicker(Upstreams.weighted(1, 1, 1, 1, 1), 65537);
    Picker proxyB = new MaglevPicker(Upstreams.weighted(1, 1, 1, 1, 1), 65537);
    for (int i = 0; i < 1000; i++) {
      String onA = Upstreams.name(proxyA.pick(client(i, 40000)));
      assertThat(Upstreams.name(proxyA.pick(client(i, 50000 + i)))).isEqualTo(onA);
      assertThat(Upstreams.name(proxyB.pick(client(i, 40001)))).isEqualTo(onA);
    }
  }

  @Test
  void removingOneOfFiveBackendsMovesAboutAFifthOfClients() throws Exception {
    List<Upstream> five = Upstreams.weighted(1, 1, 1, 1, 1);
    List<Upstream> four = new ArrayList<>(five);
    four.remove(2);
    Picker before = new MaglevPicker(five, 65537);
    Picker after = new MaglevPicker(four, 65537);
    int clients = 20_000;
    int moved = 0;
    for (int i = 0; i < clients; i++) {
      if (!Upstreams.name(before.pick(client(i, 1)))
          .equals(Upstreams.name(after.pick(client(i, 1))))) {
        moved++;
      }
    }
    // The removed backend's ~1/5 must move; allow up to twice that, as promised.
    assertThat((double) moved / clients).isBetween(0.15, 0.40);
  }

  @Test
  void emptyPoolPicksNothing() throws Exception {
    assertThat(new MaglevPicker(List.of(), 65537).pick(client(1, 1))).isNull();
  }
}
