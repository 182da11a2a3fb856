package dev.weir.cli.output;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** API timestamps as java.time, which the formatting here works with. */
public final class ProtoTimes {

  private ProtoTimes() {}

  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
