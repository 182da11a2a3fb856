package dev.weir.control.fleet;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyEvent;
import dev.weir.control.events.FleetEventSink;
import java.time.Clock;
import java.time.Duration;

/** Turns what the proxies do into {@link ProxyEvent}s for watchers. */
final class ProxyEventPublisher implements FleetListener {
  private final FleetEventSink sink;
  private final Clock clock;

  ProxyEventPublisher(FleetEventSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  @Override
  public void proxyConnected(String proxyId) {
    publish(event(ProxyEvent.Kind.CONNECTED, proxyId, 0));
  }

  @Override
  public void proxyDisconnected(String proxyId) {
    publish(event(ProxyEvent.Kind.DISCONNECTED, proxyId, 0));
  }

  @Override
  public void snapshotAcked(String proxyId, long version, Duration sinceSent) {
    publish(event(ProxyEvent.Kind.ACKED, proxyId, version));
  }

  @Override
  public void snapshotApplied(String proxyId, long version, Duration pushLatency) {
    ProxyEvent.Builder event = event(ProxyEvent.Kind.APPLIED, proxyId, version);
    if (pushLatency != null) {
      event.setPushLatency(Durations.fromNanos(pushLatency.toNanos()));
    }
    publish(event);
  }

  @Override
  public void snapshotNacked(String proxyId, long version, String reason) {
    publish(event(ProxyEvent.Kind.NACKED, proxyId, version).setDetail(reason));
  }

  @Override
  public void poolFailed(String proxyId, long version, PoolApplyFailure failure) {
    publish(
        event(ProxyEvent.Kind.POOL_FAILED, proxyId, version)
            .setDetail(failure.getReason())
            .setPoolFailure(failure));
  }

  @Override
  public void poolRecovered(String proxyId, long version, PoolApplyFailure pool) {
    publish(event(ProxyEvent.Kind.POOL_RECOVERED, proxyId, version).setPoolFailure(pool));
  }

  private static ProxyEvent.Builder event(ProxyEvent.Kind kind, String proxyId, long version) {
    return ProxyEvent.newBuilder().setKind(kind).setProxyId(proxyId).setConfigVersion(version);
  }

  private void publish(ProxyEvent.Builder event) {
    sink.publish(
        FleetEvent.newBuilder()
            .setTime(Timestamps.fromMillis(clock.millis()))
            .setProxy(event)
            .build());
  }
}
