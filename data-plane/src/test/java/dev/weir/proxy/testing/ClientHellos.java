package dev.weir.proxy.testing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Real ClientHellos, as the JDK's TLS client writes them, for stages that read one. */
public final class ClientHellos {

  private ClientHellos() {}

  /** The first flight of a TLS client that names {@code serverName} (null: no SNI). */
  public static byte[] of(String serverName) {
    return of(serverName, 0);
  }

  /**
   * As {@link #of(String)}, made about {@code alpnBytes} larger by ALPN protocol names, as
   * post-quantum key shares make real ones.
   */
  public static byte[] of(String serverName, int alpnBytes) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, null, null);
      SSLEngine engine = context.createSSLEngine();
      engine.setUseClientMode(true);
      SSLParameters parameters = engine.getSSLParameters();
      List<SNIServerName> names = new ArrayList<>();
      if (serverName != null) {
        names.add(new SNIHostName(serverName));
      }
      parameters.setServerNames(names);
      List<String> protocols = new ArrayList<>();
      for (int i = 0; i * 101 < alpnBytes; i++) {
        protocols.add(String.format("p%099d", i));
      }
      parameters.setApplicationProtocols(protocols.toArray(String[]::new));
      engine.setSSLParameters(parameters);
      ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      engine.beginHandshake();
      engine.wrap(ByteBuffer.allocate(0), out);
      out.flip();
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      return bytes;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The same handshake message cut into TLS records of at most {@code size} bytes each, as a client
   * may send it: the routing stage must put it together again.
   */
  public static byte[] inRecordsOf(byte[] record, int size) {
    byte[] body = Arrays.copyOfRange(record, 5, record.length);
    ByteBuffer out = ByteBuffer.allocate(body.length + 5 * (body.length / size + 1));
    for (int from = 0; from < body.length; from += size) {
      int length = Math.min(size, body.length - from);
      out.put(record[0]).put(record[1]).put(record[2]);
      out.putShort((short) length);
      out.put(body, from, length);
    }
    return Arrays.copyOf(out.array(), out.position());
  }
}
