package dev.weir.control.testing;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Messages as the bytes on the wire, for sending what a generated stub cannot build (such as a
 * proto3 string that is not UTF-8): {@code SomeGrpc.getXMethod().toBuilder(RawBytes.INSTANCE,
 * RawBytes.INSTANCE).build()}.
 */
public enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
  INSTANCE;

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
