package dev.weir.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP server that names itself.
 *
 * <p>In {@code echo} mode it sends its name and a newline on every new connection, then echoes
 * everything back and honours half-close. In {@code http} mode it answers every HTTP/1.1 request
 * with "hello from NAME". One thread per connection: this serves tests and demos, not load.
 *
 * <p>Prints {@code listening on HOST:PORT} on stdout once bound, so callers can pass port 0.
 */
public final class DemoBackend {

  private final String name;
  private final boolean http;
  private final ServerSocket server;

  DemoBackend(String name, boolean http, InetSocketAddress address) throws IOException {
    this.name = name;
    this.http = http;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(address, 512);
  }

  public static void main(String[] args) throws IOException {
    String name = "backend";
    String mode = "echo";
    String listen = "127.0.0.1:0";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--name" -> name = args[i + 1];
        case "--mode" -> mode = args[i + 1];
        case "--listen" -> listen = args[i + 1];
        default -> usage("unknown option " + args[i]);
      }
    }
    if (args.length % 2 != 0) {
      usage("every option takes a value");
    }
    if (!mode.equals("echo") && !mode.equals("http")) {
      usage("--mode must be echo or http, got " + mode);
    }
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      usage("--listen must be HOST:PORT, got " + listen);
    }
    InetSocketAddress address =
        new InetSocketAddress(
            InetAddress.getByName(listen.substring(0, colon)),
            Integer.parseInt(listen.substring(colon + 1)));
    DemoBackend backend = new DemoBackend(name, mode.equals("http"), address);
    System.out.println(
        "listening on " + address.getHostString() + ":" + backend.server.getLocalPort());
    System.out.flush();
    backend.serve();
  }

  private static void usage(String problem) {
    System.err.println("demo-backend: " + problem);
    System.err.println("usage: demo-backend [--name NAME] [--mode echo|http] [--listen HOST:PORT]");
    System.exit(2);
  }

  private void serve() throws IOException {
    while (true) {
      Socket socket = server.accept();
      Thread t = new Thread(() -> handle(socket), "conn-" + socket.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      if (http) {
        answerHttp(socket);
      } else {
        echo(socket);
      }
    } catch (IOException e) {
      // The client went away; nothing to do for a demo server.
    }
  }

  private void echo(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[16 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      out.flush();
    }
    // The client half-closed: echo is complete, so finish our side too.
    socket.shutdownOutput();
  }

  private void answerHttp(Socket socket) throws IOException {
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = socket.getOutputStream();
    byte[] body = ("hello from " + name + "\n").getBytes(StandardCharsets.UTF_8);
    String line;
    while ((line = in.readLine()) != null) {
      boolean close = false;
      // Skip the headers; the response is the same for every request.
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        if (line.equalsIgnoreCase("connection: close")) {
          close = true;
        }
      }
      String head =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
              + body.length
              + "\r\n"
              + (close ? "Connection: close\r\n" : "")
              + "\r\n";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      if (close) {
        return;
      }
    }
  }
}
