package dev.weir.cli.status;

import dev.weir.api.v1.WatchRequest;
import dev.weir.cli.args.DurationConverter;
import dev.weir.cli.session.Session;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code weirctl top}: {@code status}, redrawn live. */
@Command(
    name = "top",
    description = {
      "Shows what 'weirctl status' shows, full screen, redrawn whenever the fleet reports an "
          + "event (a change, a proxy applying it, a health change, drain progress) and at least "
          + "every --interval, so rates and ages stay current. q or Ctrl-C quits and gives the "
          + "terminal back as it was.",
      "top needs a terminal: with stdout or stdin redirected it refuses (exit 2); use 'weirctl "
          + "status' for one snapshot or 'weirctl watch' for the events as lines. If the control "
          + "plane goes away, top restores the terminal and exits with 3."
    },
    mixinStandardHelpOptions = true,
    footer = {"%nExamples:", "  weirctl top", "  weirctl top --interval 5s"})
public final class TopCommand implements Runnable {

  private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  private static final int CTRL_C = 3;

  // What the threads tell the drawing loop.
  private static final Object REFRESH = new Object();
  private static final Object QUIT = new Object();
  private static final Object STREAM_ENDED = new Object();

  private final Session session;

  @Spec private CommandSpec spec;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Redraw at least this often, e.g. 1s, 5s (default: 2s).")
  private Duration interval = DEFAULT_INTERVAL;

  TopCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    if (!session.console().interactive()) {
      throw new ParameterException(
          spec.commandLine(),
          "top needs a terminal, and stdin or stdout is not one; use 'weirctl status' for one "
              + "snapshot or 'weirctl watch' for the events as lines");
    }
    if (session.output().format().forScripts()) {
      throw new ParameterException(
          spec.commandLine(),
          "top has no -o "
              + session.output().format().cliName()
              + "; use 'weirctl status -o "
              + "json' or 'weirctl watch -o json'");
    }
    // Read once before taking over the screen, so an unreachable control plane is reported as
    // every other command reports it.
    FleetStatus fleet = FleetStatusLoader.load(session);
    BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    try (EventStream events =
            EventStream.open(session.adminStreams(), WatchRequest.getDefaultInstance());
        AnsiTerminal terminal = AnsiTerminal.enter(session.out(), System.console() != null)) {
      daemon("weirctl-top-events", () -> relayEvents(events, signals)).start();
      daemon("weirctl-top-keys", () -> readKeys(System.in, signals)).start();
      while (true) {
        int[] size = terminal.size();
        terminal.draw(
            TopScreen.render(fleet, session.clock().instant(), interval, size[1], size[0]));
        if (quitAfterWaiting(signals)) {
          return;
        }
        fleet = FleetStatusLoader.load(session);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Waits for an event or the interval; a burst of events is one redraw.
  private boolean quitAfterWaiting(BlockingQueue<Object> signals) throws InterruptedException {
    Object signal = signals.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
    while (signal != null) {
      if (signal == QUIT) {
        return true;
      }
      if (signal == STREAM_ENDED) {
        throw Status.UNAVAILABLE
            .withDescription("the control plane ended the watch stream")
            .asRuntimeException();
      }
      if (signal instanceof StatusRuntimeException failed) {
        throw failed;
      }
      signal = signals.poll();
    }
    return false;
  }

  private static void relayEvents(EventStream events, BlockingQueue<Object> signals) {
    try {
      while (events.next() != null) {
        signals.add(REFRESH);
      }
      signals.add(STREAM_ENDED);
    } catch (StatusRuntimeException e) {
      // Cancelled is this command closing the stream on its way out.
      if (e.getStatus().getCode() != Status.Code.CANCELLED) {
        signals.add(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void readKeys(InputStream keys, BlockingQueue<Object> signals) {
    try {
      for (int key = keys.read(); key != -1; key = keys.read()) {
        if (key == 'q' || key == 'Q' || key == CTRL_C) {
          signals.add(QUIT);
          return;
        }
      }
    } catch (IOException e) {
      // No keys then; Ctrl-C still quits.
    }
  }

  private static Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
