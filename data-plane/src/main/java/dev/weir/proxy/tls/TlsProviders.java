package dev.weir.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS engine the proxy uses: BoringSSL (netty-tcnative-boringssl-static) where its native
 * library loads, the JDK's otherwise. Said once in the log, at the first use.
 */
public final class TlsProviders {

  private static final Logger log = LoggerFactory.getLogger(TlsProviders.class);
  private static volatile SslProvider chosen;

  private TlsProviders() {}

  /** The engine for every context the proxy builds. */
  public static SslProvider provider() {
    SslProvider provider = chosen;
    if (provider == null) {
      synchronized (TlsProviders.class) {
        provider = chosen;
        if (provider == null) {
          provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
          if (provider == SslProvider.OPENSSL) {
            log.info(
                "TLS engine: {} (native, ALPN {})",
                OpenSsl.versionString(),
                SslProvider.isAlpnSupported(provider) ? "supported" : "not supported");
          } else {
            log.info(
                "TLS engine: the JDK's (netty-tcnative's BoringSSL did not load: {})",
                String.valueOf(OpenSsl.unavailabilityCause()));
          }
          chosen = provider;
        }
      }
    }
    return provider;
  }
}
