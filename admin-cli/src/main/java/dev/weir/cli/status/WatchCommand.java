package dev.weir.cli.status;

import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.WatchRequest;
import dev.weir.cli.output.OutputFormat;
import dev.weir.cli.output.Yaml;
import dev.weir.cli.session.Session;
import io.grpc.Status;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weirctl watch}: the Watch stream, one line per event. */
@Command(
    name = "watch",
    description = {
      "Prints the fleet's events as they happen, one line each, until Ctrl-C: revisions (who "
          + "changed what), proxies connecting, disconnecting, ACKing, applying and NACKing "
          + "config versions, backends' fleet-wide health changes and drain progress. With "
          + "several control-plane replicas, a proxy connected to another replica than the one "
          + "watched says which: 'pb (replica r2)'.",
      "A watcher that reads too slowly misses events rather than holding up the control plane; "
          + "a 'missed' line says how many. With -o json each event is one line of proto3 JSON "
          + "(a FleetEvent message, whose 'missed' field counts them).",
      "weirctl does not reconnect: if the control plane goes away or ends the stream, watch "
          + "says so on stderr and exits with 3, so a script can decide to start it again."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl watch",
      "  weirctl watch --pool web --pool api",
      "  weirctl watch -o json | jq -c 'select(.health)'"
    })
public final class WatchCommand implements Runnable {

  private final Session session;

  @Option(
      names = "--pool",
      paramLabel = "NAME",
      description =
          "Only events about this pool: revisions touching it, its backends' health and drains "
              + "(repeatable; default: all events, including proxies').")
  private List<String> pools = new ArrayList<>();

  WatchCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    WatchRequest request = WatchRequest.newBuilder().addAllPools(pools).build();
    OutputFormat format = session.output().format();
    PrintWriter out = session.out();
    try (EventStream events = EventStream.open(session.adminStreams(), request)) {
      for (FleetEvent event = events.next(); event != null; event = events.next()) {
        if (format == OutputFormat.JSON) {
          out.println(EventLine.json(event));
        } else if (format == OutputFormat.YAML) {
          // One YAML document per event.
          out.print("---\n" + Yaml.fromJson(EventLine.json(event)));
        } else {
          EventLine.human(event).forEach(out::println);
        }
        // Each event as it comes, also when stdout is a pipe.
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // The control plane ends the stream only when it shuts down: for the watcher, it went away.
    throw Status.UNAVAILABLE
        .withDescription("the control plane ended the watch stream")
        .asRuntimeException();
  }
}
