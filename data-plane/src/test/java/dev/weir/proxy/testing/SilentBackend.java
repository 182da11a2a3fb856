package dev.weir.proxy.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend on 127.0.0.1 that accepts connections and then neither reads nor writes: what a stopped
 * or deadlocked server looks like from the network.
 */
public final class SilentBackend implements AutoCloseable {

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  public SilentBackend() throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "silent-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** "127.0.0.1:port", as a backend address in a snapshot. */
  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        open.add(server.accept());
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    acceptor.join(10_000);
    for (Socket s : open) {
      s.close();
    }
  }
}
