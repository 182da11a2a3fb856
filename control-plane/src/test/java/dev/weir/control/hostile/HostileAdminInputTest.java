package dev.weir.control.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.PoolResponse;
import dev.weir.control.ControlPlane;
import dev.weir.control.pool.ConfigLimits;
import dev.weir.control.pool.ConfigRules;
import dev.weir.control.testing.RawBytes;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile AdminService input over a real gRPC server on loopback (so the transport's own limits are
 * the ones in force): each is refused with a clear status, and the configuration is exactly what it
 * was.
 */
class HostileAdminInputTest {
  @TempDir Path dataDir;
  private ControlPlane plane;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    plane =
        new ControlPlane(
                dataDir,
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
                Clock.systemUTC())
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", plane.port()).usePlaintext().build();
    admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80"))
                .build());
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    plane.close();
  }

  @Test
  void aRequestOverTheMessageLimitIsResourceExhaustedAndChangesNothing() {
    String huge = "a".repeat(ControlPlane.MAX_INBOUND_MESSAGE_BYTES);

    assertRejectedLeavingConfigAlone(
        () ->
            admin()
                .addBackend(
                    AddBackendRequest.newBuilder().setPool("web").setAddress(huge + ":80").build()),
        Status.Code.RESOURCE_EXHAUSTED,
        "exceeds maximum");
  }

  @Test
  void aRequestJustUnderTheMessageLimitIsReadAndValidated() {
    String big = "a".repeat(ControlPlane.MAX_INBOUND_MESSAGE_BYTES - 100);

    assertRejectedLeavingConfigAlone(
        () ->
            admin()
                .addBackend(
                    AddBackendRequest.newBuilder().setPool("web").setAddress(big + ":80").build()),
        Status.Code.INVALID_ARGUMENT,
        "backend address \"aaaa",
        "more than the 259 a host:port can have");
  }

  @Test
  void aMillionBackendsAreRefusedByCountBeforeAnyIsLookedAt() {
    CreatePoolRequest.Builder request =
        CreatePoolRequest.newBuilder().setName("huge").setListen(":9000");
    // Two bytes each on the wire: the smallest million backends there are.
    Backend nonsense = Backend.getDefaultInstance();
    for (int i = 0; i < 1_000_000; i++) {
      request.addBackends(nonsense);
    }
    assertThat(request.build().getSerializedSize())
        .isLessThan(ControlPlane.MAX_INBOUND_MESSAGE_BYTES);

    assertRejectedLeavingConfigAlone(
        () -> admin().createPool(request.build()),
        Status.Code.INVALID_ARGUMENT,
        "backends: a pool has at most 1000 backends, got 1000000");
  }

  @Test
  void backendsOverTheTotalForAllPoolsAreRefused() {
    int perPool = ConfigRules.MAX_BACKENDS_PER_POOL;
    int fullPools = ConfigLimits.MAX_BACKENDS_TOTAL / perPool;
    for (int p = 0; p < fullPools; p++) {
      String name = fullPoolName(p);
      // Web already has one backend, so the last full pool goes one over.
      if (p == fullPools - 1) {
        assertRejectedLeavingConfigAlone(
            () -> admin().createPool(fullPool(name)),
            Status.Code.FAILED_PRECONDITION,
            "would have "
                + (ConfigLimits.MAX_BACKENDS_TOTAL + 1)
                + " backends in all pools "
                + "together, more than the "
                + ConfigLimits.MAX_BACKENDS_TOTAL
                + " allowed");
      } else {
        PoolResponse created = admin().createPool(fullPool(name));
        assertThat(created.getPool().getBackendsCount()).isEqualTo(perPool);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Web", "web_1", "-web", "web-", "wéb", "web\u0000", "w\uD800b", ""})
  void poolNamesOutsideThePatternAreInvalid(String name) {
    assertRejectedLeavingConfigAlone(
        () ->
            admin()
                .createPool(
                    CreatePoolRequest.newBuilder().setName(name).setListen(":9000").build()),
        Status.Code.INVALID_ARGUMENT,
        "pool name",
        "use 1..63 of [a-z0-9-]");
  }

  @ParameterizedTest
  @ValueSource(strings = {":0", ":65536", ":-1", ":99999999999", ":8o80", ":"})
  void listenPortsOutOfRangeAreInvalid(String listen) {
    assertRejectedLeavingConfigAlone(
        () ->
            admin()
                .createPool(
                    CreatePoolRequest.newBuilder().setName("api").setListen(listen).build()),
        Status.Code.INVALID_ARGUMENT,
        "listen \"" + listen + "\" is invalid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.2:0", "10.0.0.2:65536", "10.0.0.2:-80", "10.0.0.2:1e3"})
  void backendPortsOutOfRangeAreInvalid(String address) {
    assertRejectedLeavingConfigAlone(
        () ->
            admin()
                .addBackend(
                    AddBackendRequest.newBuilder().setPool("web").setAddress(address).build()),
        Status.Code.INVALID_ARGUMENT,
        "backend address \"" + address + "\" is invalid",
        "port");
  }

  /**
   * Proto3 string fields must be UTF-8; protobuf-java refuses to parse a message that breaks this,
   * so the request never reaches the service, and grpc-java alone would answer UNKNOWN without a
   * word.
   */
  @Test
  void aNameThatIsNotUtf8IsInvalidArgumentNamingTheMessage() {
    byte[] request = createPoolBytes(new byte[] {'w', (byte) 0xff, 'b'}, ":9000");

    assertRejectedLeavingConfigAlone(
        () -> sendRaw(request),
        Status.Code.INVALID_ARGUMENT,
        "the request is not a well-formed weir.v1.CreatePoolRequest",
        "UTF-8");
  }

  @Test
  void bytesThatAreNotAMessageAtAllAreInvalidArgumentToo() {
    // Field 1, length-delimited, claiming 100 bytes where 2 follow.
    byte[] truncated = {0x0a, 100, 'w', 'e'};

    assertRejectedLeavingConfigAlone(
        () -> sendRaw(truncated),
        Status.Code.INVALID_ARGUMENT,
        "the request is not a well-formed weir.v1.CreatePoolRequest");
  }

  @Test
  void theSameBytesWithValidUtf8AreAccepted() {
    // Shows the raw path above is a real CreatePool, so its refusal is the UTF-8.
    sendRaw(createPoolBytes(new byte[] {'w', 'e', 'b', '2'}, ":9000"));

    assertThat(listPools().getPoolsList()).extracting("name").contains("web2");
  }

  private void assertRejectedLeavingConfigAlone(
      ThrowingCallable call, Status.Code code, String... descriptionParts) {
    ListPoolsResponse before = listPools();

    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              if (descriptionParts.length > 0) {
                assertThat(e.getStatus().getDescription()).contains(descriptionParts);
              }
            });

    assertThat(listPools().toByteString()).isEqualTo(before.toByteString());
  }

  private ListPoolsResponse listPools() {
    return admin().listPools(ListPoolsRequest.getDefaultInstance());
  }

  private AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static String fullPoolName(int index) {
    return "full-" + index;
  }

  private static CreatePoolRequest fullPool(String name) {
    CreatePoolRequest.Builder request =
        CreatePoolRequest.newBuilder()
            .setName(name)
            .setListen(":" + (10_000 + Integer.parseInt(name.substring(5))));
    for (int i = 0; i < ConfigRules.MAX_BACKENDS_PER_POOL; i++) {
      request.addBackends(
          Backend.newBuilder().setAddress("10.1." + (i / 250) + "." + (i % 250 + 1) + ":80"));
    }
    return request.build();
  }

  /** CreatePoolRequest{name = 1, listen = 2} written by hand, so the name can be any bytes. */
  private static byte[] createPoolBytes(byte[] name, String listen) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeBytes(1, ByteString.copyFrom(name));
      out.writeString(2, listen);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] sendRaw(byte[] request) {
    MethodDescriptor<byte[], byte[]> method =
        AdminServiceGrpc.getCreatePoolMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE)
            .build();
    return ClientCalls.blockingUnaryCall(
        channel, method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
  }
}
