package dev.weir.cli.backend;

import dev.weir.api.v1.PoolResponse;
import dev.weir.cli.args.AddressConverter;
import dev.weir.cli.change.ChangeReport;
import picocli.CommandLine.Parameters;

/** The {@code POOL HOST:PORT} pair every backend command starts with. */
final class BackendTarget {

  @Parameters(index = "0", paramLabel = "POOL", description = "The pool.")
  private String pool;

  @Parameters(
      index = "1",
      paramLabel = "HOST:PORT",
      converter = AddressConverter.class,
      description = "The backend's address; an IPv6 host in brackets, e.g. [::1]:80.")
  private String address;

  String pool() {
    return pool;
  }

  String address() {
    return address;
  }

  /** The confirmation line, e.g. "backend 10.0.0.5:80 added to pool web (config version 7)". */
  String confirmation(String outcome, long configVersion) {
    return "backend " + address + " " + outcome + " (config version " + configVersion + ")";
  }

  /** Reports a change to this backend; {@code outcome} as for {@link #confirmation}. */
  void report(ChangeReport report, PoolResponse response, String outcome) {
    report.print(
        response,
        response.getConfigVersion(),
        response.getDiff(),
        response.getDryRun(),
        () -> confirmation(outcome, response.getConfigVersion()));
  }
}
