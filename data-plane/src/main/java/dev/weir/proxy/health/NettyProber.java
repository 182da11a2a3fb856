package dev.weir.proxy.health;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Probes over the proxy's own event loops and transport: a TCP probe passes when the connect
 * succeeds, an HTTP probe when the status line carries the expected status. No thread blocks; the
 * timeout covers the whole probe, connect included.
 */
final class NettyProber implements Prober {

  private static final ChannelHandler CONNECT_ONLY = new ConnectOnlyHandler();

  private final EventLoopGroup group;
  private final Bootstrap template;

  NettyProber(EventLoopGroup group, Class<? extends Channel> channelClass) {
    this.group = group;
    this.template = new Bootstrap().channel(channelClass).option(ChannelOption.TCP_NODELAY, true);
  }

  @Override
  public Future<Boolean> probe(BackendConfig backend, HealthCheckOptions options) {
    EventLoop loop = group.next();
    Promise<Boolean> verdict = loop.newPromise();
    long timeoutNanos = options.timeout().toNanos();
    ChannelFuture connect =
        template
            .clone(loop)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.timeout().toMillis())))
            .handler(
                options.http()
                    ? new HttpProbeHandler(
                        HttpProbeHandler.request(backend, options),
                        options.httpExpectedStatus(),
                        verdict)
                    : CONNECT_ONLY)
            .connect(backend.socketAddress());
    Channel channel = connect.channel();
    ScheduledFuture<?> deadline =
        loop.schedule(() -> verdict.trySuccess(false), timeoutNanos, TimeUnit.NANOSECONDS);
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            verdict.trySuccess(false);
          } else if (!options.http()) {
            verdict.trySuccess(true);
          }
        });
    // Whatever ends the probe (verdict, timeout, cancel) also ends its connection.
    verdict.addListener(
        f -> {
          deadline.cancel(false);
          channel.close();
        });
    return verdict;
  }

  /** A TCP probe only needs the connect to succeed; the prober closes it right after. */
  @ChannelHandler.Sharable
  private static final class ConnectOnlyHandler extends ChannelInboundHandlerAdapter {}
}
