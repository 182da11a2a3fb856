package dev.weir.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectRequestHeadTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CONNECT web:8080 HTTP/1.1\r\n",
        "CONNECT WEB:8080 HTTP/1.0\r\nHost: web:8080\r\nProxy-Authorization: x\r\n",
        "CONNECT web:8080 HTTP/1.1\r\nX-Empty:\r\nX-Obs-Text: caf\u00e9\r\n"
      })
  void acceptsAConnectRequestForAnAuthorityInLowerCase(String head) {
    ConnectRequestHead.Result result = ConnectRequestHead.parse(head);
    assertThat(result.accepted()).isTrue();
    assertThat(result.authority()).isEqualTo("web:8080");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[::1]:443", "10.0.0.1:1", "a.b-c_d.example:65535"})
  void acceptsAuthorityForms(String target) {
    assertThat(ConnectRequestHead.parse("CONNECT " + target + " HTTP/1.1\r\n").authority())
        .isEqualTo(target.toLowerCase());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"GET / HTTP/1.1\r\n", "connect web:80 HTTP/1.1\r\n", "OPTIONS * HTTP/1.1\r\n"})
  void refusesOtherMethodsWith405(String head) {
    assertThat(ConnectRequestHead.parse(head).status()).isEqualTo(405);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "\r\n",
        "CONNECT web:80\r\n",
        "CONNECT  web:80 HTTP/1.1\r\n",
        "CONNECT web:80 HTTP/2\r\n",
        "CONNECT web:80 HTTP/1.1",
        "CONNECT web:80 HTTP/1.1\nHost: x\r\n",
        "CONNECT web:80 HTTP/1.1\r\nHost x\r\n",
        "CONNECT web:80 HTTP/1.1\r\n Host: x\r\n",
        "CONNECT web:80 HTTP/1.1\r\nHo st: x\r\n",
        "CONNECT web:80 HTTP/1.1\r\nX: a\u0000b\r\n",
        "CONNECT web:0 HTTP/1.1\r\n",
        "CONNECT web:65536 HTTP/1.1\r\n",
        "CONNECT web:123456 HTTP/1.1\r\n",
        "CONNECT web: HTTP/1.1\r\n",
        "CONNECT :80 HTTP/1.1\r\n",
        "CONNECT web HTTP/1.1\r\n",
        "CONNECT http://web:80/ HTTP/1.1\r\n",
        "CONNECT user@web:80 HTTP/1.1\r\n",
        "CONNECT [zz]:80 HTTP/1.1\r\n",
        "CONNECT [::1:80 HTTP/1.1\r\n",
        "CONNECT web:+80 HTTP/1.1\r\n",
        "GET\r\n"
      })
  void refusesAnythingMalformedWith400(String head) {
    assertThat(ConnectRequestHead.parse(head).status()).as(head).isEqualTo(400);
  }
}
