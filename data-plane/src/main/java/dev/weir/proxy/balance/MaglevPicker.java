package dev.weir.proxy.balance;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Consistent hashing on the client's IP address through a {@link MaglevTable}. The client's port is
 * left out so every connection from one client lands on the same backend.
 */
final class MaglevPicker implements Picker {

  private final Upstream[] upstreams;
  private final List<Upstream> candidates;
  private final MaglevTable table;

  MaglevPicker(List<Upstream> upstreams, int tableSize) {
    this.candidates = List.copyOf(upstreams);
    this.upstreams = candidates.toArray(new Upstream[0]);
    List<String> addresses = new ArrayList<>(this.upstreams.length);
    int[] weights = new int[this.upstreams.length];
    for (int i = 0; i < this.upstreams.length; i++) {
      addresses.add(this.upstreams[i].config().address());
      weights[i] = this.upstreams[i].weight();
    }
    this.table = new MaglevTable(addresses, weights, tableSize);
  }

  @Override
  public Upstream pick(InetSocketAddress client) {
    if (upstreams.length == 0) {
      return null;
    }
    return upstreams[table.lookup(hashOf(client))];
  }

  /**
   * The client's IP hashed the same way on every proxy. For IPv4, {@link Inet4Address#hashCode} is
   * the address itself, which spares the byte array {@code getAddress()} would allocate on every
   * connection.
   */
  static long hashOf(InetSocketAddress client) {
    InetAddress ip = client == null ? null : client.getAddress();
    if (ip == null) {
      return 0;
    }
    if (ip instanceof Inet4Address) {
      return MaglevTable.mix(ip.hashCode() & 0xFFFFFFFFL);
    }
    return MaglevTable.hash(ip.getAddress(), 0);
  }

  @Override
  public List<Upstream> candidates() {
    return candidates;
  }
}
