package dev.weir.control.testing;

import dev.weir.api.v1.ConnectionCloseResult;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.ProxyMessage;
import java.util.List;
import java.util.function.Function;

/** What a {@link TestProxy} answers when asked about its connections. */
public final class ConnectionAnswers {
  private ConnectionAnswers() {}

  /** Lists {@code connections} whatever the filters. */
  public static Function<ControlMessage, ProxyMessage> lists(ConnectionInfo... connections) {
    return m ->
        ProxyMessage.newBuilder()
            .setConnections(
                ConnectionList.newBuilder()
                    .setRequestId(m.getListConnections().getRequestId())
                    .addAllConnections(List.of(connections)))
            .build();
  }

  /** Closes {@code open} when asked to, and finds nothing else. */
  public static Function<ControlMessage, ProxyMessage> closes(long open) {
    return m -> {
      long sequence = m.getCloseConnection().getSequence();
      ConnectionCloseResult.Builder result =
          ConnectionCloseResult.newBuilder().setRequestId(m.getCloseConnection().getRequestId());
      if (sequence == open) {
        result.setFound(true).setConnection(conn(sequence, "10.0.0.1:80"));
      }
      return ProxyMessage.newBuilder().setConnectionClosed(result).build();
    };
  }

  /** A connection of pool web from 192.0.2.1:40000 on 127.0.0.1:8080 to {@code backend}. */
  public static ConnectionInfo conn(long sequence, String backend) {
    return ConnectionInfo.newBuilder()
        .setSequence(sequence)
        .setPool("web")
        .setClientAddress("192.0.2.1:40000")
        .setListenAddress("127.0.0.1:8080")
        .setBackendAddress(backend)
        .build();
  }
}
