package dev.weir.proxy.tls;

import dev.weir.proxy.tls.PemFiles.FileProblem;
import dev.weir.proxy.tls.TlsTerminationConfig.CertificateFiles;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The server contexts of one pool, built whole from its files: one per certificate, found by the
 * client's server name (exact names before wildcards, from each certificate's DNS subject
 * alternative names, else its common name), the first for any other name. Immutable: a change of
 * files builds a new one, and connections keep the one they started with.
 *
 * @param expiries each certificate's notAfter, in config order
 */
record ServerContexts(
    SslContext first, Mapping<String, SslContext> byName, List<Instant> expiries) {

  /**
   * Reads and checks every file and builds the contexts.
   *
   * @throws LoadFailure naming the field, the file and the reason
   */
  static ServerContexts load(TlsTerminationConfig config) throws LoadFailure {
    List<SslContext> contexts = new ArrayList<>();
    List<Instant> expiries = new ArrayList<>();
    List<Set<String>> names = new ArrayList<>();
    X509Certificate[] clientCas = null;
    if (config.clientCa() != null) {
      try {
        clientCas = PemFiles.certificates(config.clientCa());
      } catch (FileProblem e) {
        throw new LoadFailure("client_auth.ca_file", e);
      }
    }
    for (int i = 0; i < config.certificates().size(); i++) {
      CertificateFiles files = config.certificates().get(i);
      String field = "certificates[" + i + "].";
      X509Certificate[] chain;
      PrivateKey key;
      try {
        chain = PemFiles.certificates(files.certFile());
      } catch (FileProblem e) {
        throw new LoadFailure(field + "cert_file", e);
      }
      try {
        key = PemFiles.privateKey(files.keyFile());
      } catch (FileProblem e) {
        throw new LoadFailure(field + "key_file", e);
      }
      if (!PemFiles.matches(key, chain[0])) {
        throw new LoadFailure(
            field + "key_file",
            new FileProblem(
                files.keyFile(),
                "does not match the certificate in cert_file " + files.certFile()));
      }
      try {
        contexts.add(context(config, key, chain, clientCas));
      } catch (Exception e) {
        throw new LoadFailure(
            field + "cert_file",
            new FileProblem(files.certFile(), "cannot serve it: " + e.getMessage()));
      }
      expiries.add(chain[0].getNotAfter().toInstant());
      names.add(names(chain[0]));
    }
    DomainWildcardMappingBuilder<SslContext> mapping =
        new DomainWildcardMappingBuilder<>(contexts.get(0));
    // Added last to first, so that a name two certificates share goes to the earlier one.
    for (int i = contexts.size() - 1; i >= 0; i--) {
      for (String name : names.get(i)) {
        mapping.add(name, contexts.get(i));
      }
    }
    return new ServerContexts(contexts.get(0), mapping.build(), List.copyOf(expiries));
  }

  private static SslContext context(
      TlsTerminationConfig config,
      PrivateKey key,
      X509Certificate[] chain,
      X509Certificate[] clientCas)
      throws Exception {
    SslContextBuilder builder =
        SslContextBuilder.forServer(key, chain)
            .sslProvider(TlsProviders.provider())
            .protocols(
                config.tls13Only()
                    ? new String[] {"TLSv1.3"}
                    : new String[] {"TLSv1.3", "TLSv1.2"});
    if (!config.alpn().isEmpty()) {
      builder.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              Protocol.ALPN,
              SelectorFailureBehavior.NO_ADVERTISE,
              SelectedListenerFailureBehavior.ACCEPT,
              config.alpn()));
    }
    if (clientCas != null) {
      builder
          .trustManager(clientCas)
          .clientAuth(config.clientAuthRequired() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
    }
    return builder.build();
  }

  /** The host names a certificate serves: its DNS SANs, else its subject's CN. */
  static Set<String> names(X509Certificate certificate) {
    Set<String> names = new LinkedHashSet<>();
    try {
      var sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
            names.add(dns.toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // No usable SANs: the common name below stands in.
    }
    if (names.isEmpty()) {
      String cn = commonName(certificate);
      if (cn != null) {
        names.add(cn.toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  /** The subject's common name, or null. */
  static String commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  /** Why a pool's files cannot serve: the field under settings.tls_termination, and the file. */
  static final class LoadFailure extends Exception {
    private final String field;
    private final FileProblem problem;

    LoadFailure(String field, FileProblem problem) {
      super("settings.tls_termination." + field + " " + problem.file() + ": " + problem.reason());
      this.field = field;
      this.problem = problem;
    }

    String field() {
      return field;
    }

    /** The file at fault, and why; a change of either is a new failure to log. */
    String fileAndReason() {
      return problem.getMessage();
    }
  }
}
