package dev.weir.proxy.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend on 127.0.0.1 that, for its first connection, writes {@code total} bytes of {@link
 * #content} as fast as its blocking socket lets it, then closes. {@link #sent()} shows how far it
 * got, so a test can see when the proxy stops taking more.
 */
public final class FloodBackend implements AutoCloseable {

  private static final int CHUNK = 64 * 1024;

  private final long total;
  private final ServerSocket server;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(EchoBackend.daemon());
  private final AtomicLong sent = new AtomicLong();
  private volatile Socket socket;

  public FloodBackend(long total) throws IOException {
    this.total = total;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread.execute(this::flood);
  }

  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Bytes written to the socket so far. */
  public long sent() {
    return sent.get();
  }

  /** The byte at {@code position} of the stream: a pattern that shows reordering or loss. */
  public static byte content(long position) {
    return (byte) (position * 31 + (position >>> 16));
  }

  private void flood() {
    try (Socket s = server.accept()) {
      socket = s;
      OutputStream out = s.getOutputStream();
      byte[] chunk = new byte[CHUNK];
      for (long position = 0; position < total; ) {
        int n = (int) Math.min(CHUNK, total - position);
        for (int i = 0; i < n; i++) {
          chunk[i] = content(position + i);
        }
        out.write(chunk, 0, n);
        position += n;
        sent.set(position);
      }
    } catch (SocketException e) {
      // The test closed us.
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    Socket s = socket;
    if (s != null) {
      s.close();
    }
    thread.shutdownNow();
    if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("flood backend thread did not stop");
    }
  }
}
