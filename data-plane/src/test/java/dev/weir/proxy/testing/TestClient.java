package dev.weir.proxy.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A blocking client of the proxy on 127.0.0.1. Reads time out after ten seconds, so a relay that
 * stalls fails the test instead of hanging it.
 */
public final class TestClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private TestClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public static TestClient connect(int port) throws IOException {
    return connect(port, 0);
  }

  /**
   * @param receiveBuffer the socket's receive buffer in bytes, or 0 for the system default
   */
  public static TestClient connect(int port, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    try {
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer); // before connect, so the window starts small
      }
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      return new TestClient(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** The client side's port, which a PROXY header names. */
  public int localPort() {
    return socket.getLocalPort();
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** One line, without its "\n"; reads byte by byte so nothing after it is consumed. */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("end of stream after \"" + line.toString(US_ASCII) + "\"");
      }
      line.write(b);
    }
    return line.toString(US_ASCII);
  }

  public void send(String text) throws IOException {
    out.write(text.getBytes(US_ASCII));
    out.flush();
  }

  /** Exactly {@code n} bytes. */
  public byte[] readExactly(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new IOException("end of stream after " + bytes.length + " of " + n + " bytes");
    }
    return bytes;
  }

  /** Everything until the proxy ends the stream, as ASCII. */
  public String readToEnd() throws IOException {
    return new String(in.readAllBytes(), US_ASCII);
  }

  /** The receive buffer the kernel actually gave this socket. */
  public int receiveBufferSize() throws IOException {
    return socket.getReceiveBufferSize();
  }

  public InputStream in() {
    return in;
  }

  public OutputStream out() {
    return out;
  }

  /** Sends FIN: the proxy sees end of stream, while this client can still read. */
  public void finishSending() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
