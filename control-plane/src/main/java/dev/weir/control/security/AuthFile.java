package dev.weir.control.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who may call, read from {@code --auth-file}: one caller per line, {@code ROLE NAME CREDENTIAL},
 * blank lines and {@code #} comments (whole lines or after an entry) ignored.
 *
 * <ul>
 *   <li>{@code token-sha256:HEX}: a bearer token, stored only as the SHA-256 of its text (64 hex
 *       digits, e.g. from {@code printf %s "$TOKEN" | sha256sum}), so the file does not hold the
 *       secret. Tokens are compared by hash in constant time.
 *   <li>{@code cert:NAME}: a client certificate, already verified against {@code --tls-ca}, whose
 *       subject CN or one of whose DNS names is NAME; a NAME ending in {@code *} matches every name
 *       starting with the rest, e.g. {@code cert:edge-*} for a fleet of proxies.
 * </ul>
 *
 * <p>The first line that matches a certificate decides its caller.
 */
public final class AuthFile {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
  private static final Pattern CERT_NAME = Pattern.compile("[A-Za-z0-9._@*:-]{1,253}");
  private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final String TOKEN_PREFIX = "token-sha256:";
  private static final String CERT_PREFIX = "cert:";
  private static final int SAN_DNS = 2;

  private final List<TokenEntry> tokens;
  private final List<CertEntry> certs;

  private AuthFile(List<TokenEntry> tokens, List<CertEntry> certs) {
    this.tokens = List.copyOf(tokens);
    this.certs = List.copyOf(certs);
  }

  /**
   * Reads and checks the whole file.
   *
   * @throws IllegalArgumentException naming the file, the line and the allowed values
   */
  public static AuthFile read(Path file) throws IOException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
  }

  static AuthFile parse(List<String> lines, String source) {
    List<TokenEntry> tokens = new ArrayList<>();
    List<CertEntry> certs = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      // No credential contains '#', so it always starts a comment.
      int comment = line.indexOf('#');
      line = (comment >= 0 ? line.substring(0, comment) : line).strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = "auth file " + source + " line " + (i + 1) + ": ";
      String[] fields = line.split("\\s+");
      if (fields.length != 3) {
        throw new IllegalArgumentException(
            where + "expected ROLE NAME CREDENTIAL, got " + fields.length + " fields");
      }
      Role role = Role.parse(fields[0]);
      if (role == null) {
        throw new IllegalArgumentException(
            where + "role must be one of " + Role.allowedIds() + ", got '" + fields[0] + "'");
      }
      String name = fields[1];
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            where + "name must be 1..128 of [A-Za-z0-9._@-], got '" + name + "'");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(where + "name '" + name + "' is used twice");
      }
      String credential = fields[2];
      if (credential.startsWith(TOKEN_PREFIX)) {
        String hex = credential.substring(TOKEN_PREFIX.length());
        if (!HEX_SHA256.matcher(hex).matches()) {
          // Never echo the value: someone may have pasted the token itself here.
          throw new IllegalArgumentException(
              where
                  + TOKEN_PREFIX
                  + " must be followed by the token's SHA-256 as 64 hex digits (the token itself "
                  + "does not belong in this file)");
        }
        tokens.add(new TokenEntry(new Caller(name, role, "token"), HexFormat.of().parseHex(hex)));
      } else if (credential.startsWith(CERT_PREFIX)) {
        String certName = credential.substring(CERT_PREFIX.length());
        if (!CERT_NAME.matcher(certName).matches()
            || certName.indexOf('*') != certName.length() - 1 && certName.indexOf('*') >= 0) {
          throw new IllegalArgumentException(
              where
                  + "cert: must be followed by a certificate "
                  + "CN or DNS name, optionally ending in *, got '"
                  + certName
                  + "'");
        }
        certs.add(new CertEntry(new Caller(name, role, "cert"), certName));
      } else {
        // Not echoed either: a bare token pasted here must not end up in a log.
        throw new IllegalArgumentException(
            where
                + "credential must be token-sha256:HEX or "
                + "cert:NAME (the value is not shown, in case it is a secret)");
      }
    }
    return new AuthFile(tokens, certs);
  }

  /** Whether any caller uses a token, so client certificates cannot be required of all. */
  public boolean hasTokens() {
    return !tokens.isEmpty();
  }

  /** Whether any caller uses a certificate, which needs {@code --tls-ca}. */
  public boolean hasCertificates() {
    return !certs.isEmpty();
  }

  /** The caller with this token; null if none. Takes the same time whichever entry matches. */
  Caller byToken(String token) {
    byte[] hash = sha256(token);
    Caller found = null;
    for (TokenEntry entry : tokens) {
      if (MessageDigest.isEqual(hash, entry.sha256) && found == null) {
        found = entry.caller;
      }
    }
    return found;
  }

  /** The caller of the first line matching the certificate's CN or a DNS name; null if none. */
  Caller byCertificate(X509Certificate certificate) {
    List<String> names = namesOf(certificate);
    for (CertEntry entry : certs) {
      for (String name : names) {
        if (entry.matches(name)) {
          return entry.caller.presenting(names);
        }
      }
    }
    return null;
  }

  /** The subject CN, then the DNS names, of {@code certificate}. */
  static List<String> namesOf(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // An unparseable subject names no one; the DNS names may still.
    }
    try {
      if (certificate.getSubjectAlternativeNames() != null) {
        for (List<?> san : certificate.getSubjectAlternativeNames()) {
          if (san.size() == 2 && Integer.valueOf(SAN_DNS).equals(san.get(0))) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // As above.
    }
    return names;
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private record TokenEntry(Caller caller, byte[] sha256) {}

  private record CertEntry(Caller caller, String name) {
    boolean matches(String candidate) {
      return name.endsWith("*")
          ? candidate.startsWith(name.substring(0, name.length() - 1))
          : candidate.equals(name);
    }
  }
}
