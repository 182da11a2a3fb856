package dev.weir.proxy.balance;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of prime size in which
 * each backend owns about weight/sum(weights) of the entries.
 *
 * <p>The table depends only on the backends' addresses, weights and order, hashed with a fixed
 * function, so every proxy given the same config builds the same table and sends a client to the
 * same backend. Removing one of N backends reassigns mostly the entries it owned.
 */
final class MaglevTable {

  /** The default size; a prime, so every skip value visits every entry. */
  static final int DEFAULT_SIZE = 65537;

  private final int[] entries;

  /**
   * @param addresses the backends' identities, hashed to place them
   * @param weights positive, parallel to {@code addresses}
   * @param size a prime, at least the number of backends
   */
  MaglevTable(List<String> addresses, int[] weights, int size) {
    int n = addresses.size();
    entries = new int[n == 0 ? 0 : size];
    if (n == 0) {
      return;
    }
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    int maxWeight = 0;
    for (int i = 0; i < n; i++) {
      byte[] key = addresses.get(i).getBytes(StandardCharsets.UTF_8);
      offset[i] = Long.remainderUnsigned(hash(key, 0x9E3779B97F4A7C15L), size);
      skip[i] = Long.remainderUnsigned(hash(key, 0xC2B2AE3D27D4EB4FL), size - 1) + 1;
      maxWeight = Math.max(maxWeight, weights[i]);
    }
    java.util.Arrays.fill(entries, -1);
    // Weighted population: in round r a backend takes a turn only while its share so far is
    // behind its weight, so entries end up split in proportion to the weights.
    long[] credit = new long[n];
    int filled = 0;
    while (true) {
      for (int i = 0; i < n; i++) {
        credit[i] += weights[i];
        if (credit[i] < maxWeight) {
          continue;
        }
        credit[i] -= maxWeight;
        int slot;
        do {
          slot = (int) ((offset[i] + next[i] * skip[i]) % size);
          next[i]++;
        } while (entries[slot] >= 0);
        entries[slot] = i;
        if (++filled == size) {
          return;
        }
      }
    }
  }

  /** The index of the backend for {@code hash}; the table must not be empty. */
  int lookup(long hash) {
    return entries[(int) Long.remainderUnsigned(hash, entries.length)];
  }

  int size() {
    return entries.length;
  }

  /** A 64-bit FNV-1a over the bytes, finished with a SplitMix64 mix: fixed across JVMs. */
  static long hash(byte[] bytes, long seed) {
    long h = 0xCBF29CE484222325L ^ seed;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001B3L;
    }
    return mix(h);
  }

  /** SplitMix64's finalizer: spreads every input bit over the whole result. */
  static long mix(long h) {
    h ^= h >>> 30;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 27;
    h *= 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  /** The smallest prime at least {@code n}. */
  static int primeAtLeast(int n) {
    for (int candidate = Math.max(2, n); ; candidate++) {
      if (isPrime(candidate)) {
        return candidate;
      }
    }
  }

  private static boolean isPrime(int n) {
    if (n < 4) {
      return n >= 2;
    }
    if (n % 2 == 0) {
      return false;
    }
    for (int d = 3; (long) d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
