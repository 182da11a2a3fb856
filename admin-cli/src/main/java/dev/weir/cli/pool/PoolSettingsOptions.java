package dev.weir.cli.pool;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The pool settings flags {@code pool create} and {@code pool set} share, shown in help in groups
 * that follow the API's PoolSettings. Each flag records the field it sets (see {@link
 * SettingsEdit}), so a command knows exactly which settings the operator gave.
 */
final class PoolSettingsOptions {

  /** Help lines explaining the value forms; commands put them in their footer. */
  static final String VALUES_HEADING = "%nValues:";

  static final String VALUES_DURATION = "  DURATION  500ms, 5s, 2m or 1h; 0 means the default.";
  static final String VALUES_BYTES = "  BYTES     1048576, 64k or 1m (k = 1024 bytes).";
  static final String VALUES_PERCENT = "  PERCENT   10 or 10%%.";

  @Spec(Spec.Target.MIXEE)
  private CommandSpec mixee;

  // A group field stays null unless one of its flags is given.
  @ArgGroup(exclusive = false, order = 1, heading = "%nHealth checks:%n")
  private HealthCheckOptions healthCheck;

  @ArgGroup(exclusive = false, order = 2, heading = "%nOutlier detection (on by default):%n")
  private OutlierDetectionOptions outlierDetection;

  @ArgGroup(exclusive = false, order = 3, heading = "%nConnections:%n")
  private ConnectionOptions connections;

  @ArgGroup(exclusive = false, order = 4, heading = "%nTuning:%n")
  private TuningOptions tuning;

  @ArgGroup(exclusive = false, order = 5, heading = "%nGuards (override with --force):%n")
  private GuardOptions guards;

  @ArgGroup(exclusive = false, order = 6, heading = "%nFleet-wide health:%n")
  private FleetHealthOptions fleetHealth;

  @ArgGroup(exclusive = false, order = 7, heading = "%nAdaptive weights (off by default):%n")
  private AdaptiveWeightsOptions adaptiveWeights;

  @ArgGroup(exclusive = false, order = 8, heading = "%nPROXY protocol (off by default):%n")
  private ProxyProtocolOptions proxyProtocol;

  @ArgGroup(exclusive = false, order = 9, heading = "%nHTTP CONNECT (off by default):%n")
  private HttpConnectOptions httpConnect;

  @ArgGroup(exclusive = false, order = 10, heading = "%nTLS routing by SNI (off by default):%n")
  private TlsRoutingOptions tlsRouting;

  @ArgGroup(exclusive = false, order = 11, heading = "%nTLS termination (off by default):%n")
  private TlsTerminationOptions tlsTermination;

  /** The settings the flags gave, with their mask paths; empty when no settings flag was given. */
  SettingsEdit edit() {
    if (healthCheck != null && healthCheck.contradicts()) {
      throw new ParameterException(
          mixee.commandLine(),
          "--health-check none cannot be combined with other --health-* flags");
    }
    SettingsEdit all = new SettingsEdit();
    if (healthCheck != null) {
      all.include(healthCheck.edit());
    }
    if (outlierDetection != null) {
      all.include(outlierDetection.edit());
    }
    if (connections != null) {
      all.include(connections.edit());
    }
    if (tuning != null) {
      all.include(tuning.edit());
    }
    if (guards != null) {
      all.include(guards.edit());
    }
    if (fleetHealth != null) {
      all.include(fleetHealth.edit());
    }
    if (adaptiveWeights != null) {
      all.include(adaptiveWeights.edit());
    }
    if (proxyProtocol != null) {
      all.include(proxyProtocol.edit());
    }
    if (httpConnect != null) {
      all.include(httpConnect.edit());
    }
    if (tlsRouting != null) {
      all.include(tlsRouting.edit());
    }
    if (tlsTermination != null) {
      all.include(tlsTermination.edit());
    }
    return all;
  }
}
