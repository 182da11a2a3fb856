package dev.weir.proxy.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on 127.0.0.1 that greets each connection with "{name}\n", echoes what it reads, and on
 * end of stream answers "{name} saw EOF after {n} bytes\n" and closes: enough to see which backend
 * a connection reached, that bytes went both ways, and that a half-close arrived.
 */
public final class EchoBackend implements AutoCloseable {

  private final String name;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();

  public EchoBackend(String name) throws IOException {
    this(name, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  /** On a socket of the test's making (a TLS one, say), bound to a loopback port. */
  public EchoBackend(String name, ServerSocket server) {
    this.name = name;
    this.server = server;
    threads.execute(this::acceptLoop);
  }

  public String name() {
    return name;
  }

  /** "127.0.0.1:port", as a backend address in a snapshot. */
  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Connections accepted and not yet closed. */
  public int openConnections() {
    return open.size();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        open.add(socket);
        try {
          threads.execute(() -> serve(socket));
        } catch (RejectedExecutionException closing) {
          // Accepted as close() ran: close() may have passed `open` already.
          open.remove(socket);
          socket.close();
          return;
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write((name + "\n").getBytes(US_ASCII));
      out.flush();
      byte[] buf = new byte[16 * 1024];
      long total = 0;
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        total += n;
      }
      out.write((name + " saw EOF after " + total + " bytes\n").getBytes(US_ASCII));
      out.flush();
    } catch (SocketException e) {
      // The proxy or the test closed the connection.
    } catch (IOException e) {
      throw new RuntimeException(e);
    } finally {
      open.remove(socket);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    threads.shutdownNow();
    if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("backend " + name + " threads did not stop");
    }
  }

  static ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "test-backend");
      t.setDaemon(true);
      return t;
    };
  }
}
