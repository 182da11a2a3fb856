package dev.weir.proxy.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 server on 127.0.0.1 that answers every request with the status it is set to and
 * "{name}\n" as the body, then closes: a backend for HTTP health checks, and one whose answers show
 * which backend a relayed request reached.
 */
public final class HttpStatusBackend implements AutoCloseable {

  private final String name;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(EchoBackend.daemon());
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile int status;

  public HttpStatusBackend(String name, int status) throws IOException {
    this.name = name;
    this.status = status;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** "127.0.0.1:port", as a backend address in a snapshot. */
  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Answers later requests with {@code status}. */
  public void status(int status) {
    this.status = status;
  }

  /** The head (request line and headers) of every request so far, oldest first. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        try {
          threads.execute(() -> serve(socket));
        } catch (RejectedExecutionException closing) {
          socket.close(); // accepted as close() ran
          return;
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(10_000);
      String head = readHead(socket.getInputStream());
      if (head == null) {
        return;
      }
      requests.add(head);
      byte[] body = (name + "\n").getBytes(US_ASCII);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("HTTP/1.1 "
                  + status
                  + " Test\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n"
                  + "Connection: close\r\n\r\n")
              .getBytes(US_ASCII));
      out.write(body);
      out.flush();
    } catch (SocketException e) {
      // The client went away first.
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  /** Up to the blank line, or null if the stream ends first. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || head.size() > 16 * 1024) {
        return null;
      }
      head.write(b);
    }
    return head.toString(US_ASCII);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    threads.shutdownNow();
    if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("HTTP backend " + name + " threads did not stop");
    }
  }
}
