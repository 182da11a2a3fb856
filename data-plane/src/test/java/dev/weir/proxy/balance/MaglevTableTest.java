package dev.weir.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaglevTableTest {

  private static List<String> addresses(int n) {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add("10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080");
    }
    return list;
  }

  private static int[] ones(int n) {
    int[] w = new int[n];
    java.util.Arrays.fill(w, 1);
    return w;
  }

  @Test
  void twoInstancesBuiltFromTheSameConfigAreIdentical() {
    MaglevTable a = new MaglevTable(addresses(7), ones(7), MaglevTable.DEFAULT_SIZE);
    MaglevTable b = new MaglevTable(addresses(7), ones(7), MaglevTable.DEFAULT_SIZE);
    for (int slot = 0; slot < MaglevTable.DEFAULT_SIZE; slot++) {
      assertThat(a.lookup(slot)).isEqualTo(b.lookup(slot));
    }
  }

  @Test
  void equalWeightsShareTheTableEvenly() {
    int n = 10;
    int[] owned = ownership(new MaglevTable(addresses(n), ones(n), MaglevTable.DEFAULT_SIZE), n);
    for (int count : owned) {
      assertThat((double) count / MaglevTable.DEFAULT_SIZE).isCloseTo(0.1, within(0.01));
    }
  }

  @Test
  void weightsSetEachBackendsShare() {
    int[] weights = {1, 2, 5};
    int[] owned =
        ownership(new MaglevTable(addresses(3), weights, MaglevTable.DEFAULT_SIZE), weights.length);
    assertThat((double) owned[0] / MaglevTable.DEFAULT_SIZE).isCloseTo(1 / 8.0, within(0.01));
    assertThat((double) owned[1] / MaglevTable.DEFAULT_SIZE).isCloseTo(2 / 8.0, within(0.01));
    assertThat((double) owned[2] / MaglevTable.DEFAULT_SIZE).isCloseTo(5 / 8.0, within(0.01));
  }

  @Test
  void removingOneOfNBackendsMovesLittleMoreThanItsShare() {
    int n = 20;
    List<String> before = addresses(n);
    List<String> after = new ArrayList<>(before);
    String removed = after.remove(7);
    MaglevTable full = new MaglevTable(before, ones(n), MaglevTable.DEFAULT_SIZE);
    MaglevTable less = new MaglevTable(after, ones(n - 1), MaglevTable.DEFAULT_SIZE);

    int moved = 0;
    for (int slot = 0; slot < MaglevTable.DEFAULT_SIZE; slot++) {
      String was = before.get(full.lookup(slot));
      String now = after.get(less.lookup(slot));
      if (!was.equals(now) && !was.equals(removed)) {
        moved++;
      }
    }
    int total = 0;
    for (int slot = 0; slot < MaglevTable.DEFAULT_SIZE; slot++) {
      if (!before.get(full.lookup(slot)).equals(after.get(less.lookup(slot)))) {
        total++;
      }
    }
    double share = 1.0 / n;
    // The removed backend's own entries must move; Maglev moves few others besides.
    assertThat((double) total / MaglevTable.DEFAULT_SIZE).isLessThanOrEqualTo(2 * share);
    assertThat((double) moved / MaglevTable.DEFAULT_SIZE).isLessThan(share);
  }

  @Test
  void primeAtLeastFindsPrimes() {
    assertThat(MaglevTable.primeAtLeast(65536)).isEqualTo(65537);
    assertThat(MaglevTable.primeAtLeast(100)).isEqualTo(101);
    assertThat(MaglevTable.primeAtLeast(2)).isEqualTo(2);
  }

  private static int[] ownership(MaglevTable table, int n) {
    int[] owned = new int[n];
    for (int slot = 0; slot < table.size(); slot++) {
      owned[table.lookup(slot)]++;
    }
    return owned;
  }
}
