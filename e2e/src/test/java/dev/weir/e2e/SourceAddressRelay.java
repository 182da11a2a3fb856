package dev.weir.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards connections to {@code target} from another local address, so that on one machine a
 * program looks to the server as if it ran on another host: on loopback, every connection to
 * 127.0.0.1 comes from 127.0.0.1 unless its socket is bound elsewhere.
 */
final class SourceAddressRelay implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final InetAddress source;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  SourceAddressRelay(InetSocketAddress target, String source) throws IOException {
    this.target = target;
    this.source = InetAddress.getByName(source);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Where to connect to reach the target from the other address. */
  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        sockets.add(client);
        sockets.add(upstream);
        upstream.bind(new InetSocketAddress(source, 0));
        upstream.connect(target);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // Closed, or the target refused: the client sees its connection end.
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // One side went away; closing both below ends the other direction too.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "relay-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(SourceAddressRelay::closeQuietly);
  }
}
