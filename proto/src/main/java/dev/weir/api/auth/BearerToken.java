package dev.weir.api.auth;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * A bearer token as call credentials: {@code authorization: Bearer TOKEN} on every call, but only
 * on a connection with privacy and integrity (TLS, or in-process), so a token is never sent where
 * anyone on the path could read it. {@link #toString()} never shows the token.
 */
public final class BearerToken extends CallCredentials {

  /** The header the control plane reads the token from. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What precedes the token in the header, case-insensitively. */
  public static final String SCHEME = "Bearer ";

  // Generous for any random token; small enough that a file of the wrong kind is caught.
  static final int MAX_LENGTH = 4096;

  private final String header;

  private BearerToken(String token) {
    this.header = SCHEME + token;
  }

  /**
   * A token as given: surrounding whitespace (such as a file's final newline) is dropped; what is
   * left must be 1..4096 printable ASCII characters without spaces.
   *
   * @param source where the token came from, for the message, e.g. "--token-file /etc/weir/t"
   * @throws IllegalArgumentException naming {@code source} (never the token) if it is not one
   */
  public static BearerToken of(String token, String source) {
    String stripped = token.strip();
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException(source + " is empty; it must hold one token");
    }
    if (stripped.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          source + " holds " + stripped.length() + " characters; a token is 1.." + MAX_LENGTH);
    }
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (c <= 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(
            source + " must hold one token of printable ASCII without spaces or line breaks");
      }
    }
    return new BearerToken(stripped);
  }

  /** The token in {@code file}, see {@link #of}. */
  public static BearerToken fromFile(Path file, String option) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length > MAX_LENGTH + 2) {
      throw new IllegalArgumentException(
          option
              + " "
              + file
              + " is "
              + bytes.length
              + " bytes; a token file holds one token of 1.."
              + MAX_LENGTH
              + " characters");
    }
    return of(new String(bytes, StandardCharsets.US_ASCII), option + " " + file);
  }

  /** The token from the header value {@code Bearer TOKEN}; null if it is not one. */
  public static String parseHeader(String value) {
    if (value == null || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    String token = value.substring(SCHEME.length()).strip();
    return token.isEmpty() ? null : token;
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    if (requestInfo.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      applier.fail(
          Status.UNAUTHENTICATED.withDescription(
              "not sending the bearer token over a connection without TLS; connect with TLS "
                  + "(--tls-ca) or use a client certificate"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, header);
    applier.apply(headers);
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
