package dev.weir.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

class TlsProvidersTest {

  @Test
  void boringSslTerminatesWhereItsNativeLibraryIsShipped() {
    assumeTrue(
        System.getProperty("os.name").equals("Linux")
            && System.getProperty("os.arch").equals("amd64"),
        "natives shipped for linux-x86_64");

    assertThat(TlsProviders.provider()).isEqualTo(SslProvider.OPENSSL);
  }
}
