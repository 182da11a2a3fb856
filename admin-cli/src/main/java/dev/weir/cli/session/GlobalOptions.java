package dev.weir.cli.session;

import dev.weir.api.auth.BearerToken;
import dev.weir.api.tls.ClientCredentials;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.ControlPlaneAddressConverter;
import dev.weir.cli.args.DurationConverter;
import dev.weir.cli.args.HostPort;
import dev.weir.cli.controlplane.CallerIdentity;
import dev.weir.cli.controlplane.ClientTls;
import dev.weir.cli.output.OutputFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The options every command accepts, before or after the command name, as kubectl's do.
 *
 * <p>Defaults are applied when read rather than by picocli, because the connection settings come
 * from a flag, else an environment variable, else weirctl's settings file ({@link SettingsFile}),
 * and tests inject the environment instead of changing it.
 */
public final class GlobalOptions {

  public static final String ADDRESS_VARIABLE = "WEIR_CONTROL_PLANE";
  public static final String DEFAULT_ADDRESS = "127.0.0.1:9900";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final String CA_VARIABLE = "WEIR_TLS_CA";
  public static final String CERT_VARIABLE = "WEIR_TLS_CERT";
  public static final String KEY_VARIABLE = "WEIR_TLS_KEY";
  public static final String TOKEN_FILE_VARIABLE = "WEIR_TOKEN_FILE";
  public static final String TOKEN_VARIABLE = "WEIR_TOKEN";

  // Where these options appear in the help of commands that list options in a set order rather
  // than alphabetically: after the command's own options.
  private static final int HELP_ORDER = 1000;

  private final UnaryOperator<String> environment;
  // Read at first use, so a broken settings file is reported as a usage error of the command.
  private SettingsFile settings;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec mixee;

  @Option(
      names = "--control-plane",
      order = GlobalOptions.HELP_ORDER,
      paramLabel = "HOST:PORT",
      scope = ScopeType.INHERIT,
      converter = ControlPlaneAddressConverter.class,
      description = "Control plane address (default: $WEIR_CONTROL_PLANE, else 127.0.0.1:9900).")
  private HostPort controlPlane;

  @Option(
      names = {"-o", "--output"},
      order = GlobalOptions.HELP_ORDER + 1,
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      converter = OutputFormat.Converter.class,
      completionCandidates = OutputFormat.Names.class,
      description =
          "table (default), json or yaml. json prints the API response message and is the "
              + "stable interface for scripts; yaml is the same written as YAML.")
  private OutputFormat output;

  @Option(
      names = "--timeout",
      order = GlobalOptions.HELP_ORDER + 2,
      paramLabel = "DURATION",
      scope = ScopeType.INHERIT,
      converter = DurationConverter.class,
      description =
          "Deadline for each call to the control plane, e.g. 500ms, 10s, 1m (default: 10s).")
  private Duration timeout;

  @Option(
      names = "--tls-ca",
      order = GlobalOptions.HELP_ORDER + 3,
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "Connect with TLS, trusting the control plane's certificate if these PEM CA "
              + "certificates vouch for it (default: $WEIR_TLS_CA).")
  private Path tlsCa;

  @Option(
      names = "--tls-cert",
      order = GlobalOptions.HELP_ORDER + 4,
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "Connect with TLS, presenting this PEM client certificate (with --tls-key) "
              + "(default: $WEIR_TLS_CERT).")
  private Path tlsCert;

  @Option(
      names = "--tls-key",
      order = GlobalOptions.HELP_ORDER + 5,
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "The PEM (PKCS#8) private key of --tls-cert (default: $WEIR_TLS_KEY).")
  private Path tlsKey;

  @Option(
      names = "--token-file",
      order = GlobalOptions.HELP_ORDER + 6,
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "Authenticate with the bearer token in this file (default: $WEIR_TOKEN_FILE, "
              + "else the token in $WEIR_TOKEN); sent only over TLS.")
  private Path tokenFile;

  /** {@code environment} looks up environment variables, returning null for unset ones. */
  public GlobalOptions(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  /** The flag, else the environment variable, else the default. */
  public HostPort controlPlane() {
    if (controlPlane != null) {
      return controlPlane;
    }
    SettingsFile.Setting setting = setting(ADDRESS_VARIABLE);
    if (setting == null) {
      return HostPort.parse(DEFAULT_ADDRESS);
    }
    try {
      return HostPort.parse(setting.value().trim());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          mixee.commandLine(), "Invalid value in " + setting.source() + ": " + e.getMessage());
    }
  }

  public OutputFormat output() {
    return output == null ? OutputFormat.TABLE : output;
  }

  public Duration timeout() {
    return timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  /**
   * TLS as the flags, else the environment, say.
   *
   * @throws ParameterException naming the flag (or variable) whose file is missing
   */
  public ClientTls tls() {
    Path ca = file(tlsCa, "--tls-ca", CA_VARIABLE);
    Path cert = file(tlsCert, "--tls-cert", CERT_VARIABLE);
    Path key = file(tlsKey, "--tls-key", KEY_VARIABLE);
    if ((cert == null) != (key == null)) {
      throw new ParameterException(
          mixee.commandLine(),
          "--tls-cert and --tls-key go together; give both (or $"
              + CERT_VARIABLE
              + " and $"
              + KEY_VARIABLE
              + ")");
    }
    return new ClientTls(ca, cert, key);
  }

  /**
   * The bearer token from --token-file, $WEIR_TOKEN_FILE or $WEIR_TOKEN; null for none. Never a
   * flag's value: the command line is visible to every user of the machine.
   *
   * @throws ParameterException if the token is malformed, or there is one but no TLS to send it
   */
  public BearerToken token() {
    BearerToken token;
    try {
      SettingsFile.Setting fileSetting =
          tokenFile != null
              ? new SettingsFile.Setting(tokenFile.toString(), "--token-file", false)
              : setting(TOKEN_FILE_VARIABLE);
      String fromEnvironment = environment.apply(TOKEN_VARIABLE);
      boolean environmentToken = fromEnvironment != null && !fromEnvironment.isEmpty();
      // The settings file is the last resort: $WEIR_TOKEN wins over its token-file.
      if (fileSetting != null && !(fileSetting.fromSettingsFile() && environmentToken)) {
        Path file = file(tokenFile, "--token-file", TOKEN_FILE_VARIABLE);
        token = BearerToken.fromFile(file, fileSetting.source());
      } else if (environmentToken) {
        token = BearerToken.of(fromEnvironment, "$" + TOKEN_VARIABLE);
      } else {
        return null;
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    } catch (IOException e) {
      throw new ParameterException(mixee.commandLine(), "cannot read the token: " + e.getMessage());
    }
    if (!tls().enabled()) {
      throw new ParameterException(
          mixee.commandLine(),
          "a bearer token is only sent over TLS: "
              + "add --tls-ca (or $"
              + CA_VARIABLE
              + ") for the control plane's CA");
    }
    return token;
  }

  private Path file(Path flag, String option, String variable) {
    Path file = flag;
    String source = option;
    if (file == null) {
      SettingsFile.Setting setting = setting(variable);
      if (setting == null) {
        return null;
      }
      file = Path.of(setting.value().strip());
      source = setting.source();
    }
    try {
      return ClientCredentials.readable(new ClientCredentials.File(file, source));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }

  /** The environment's value for {@code variable}, else the settings file's; null if neither. */
  private SettingsFile.Setting setting(String variable) {
    String fromEnvironment = environment.apply(variable);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return new SettingsFile.Setting(fromEnvironment, "$" + variable, false);
    }
    if (settings == null) {
      try {
        settings = SettingsFile.load(environment);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(mixee.commandLine(), e.getMessage());
      }
    }
    return settings.get(variable);
  }

  /** Who this operator claims to be, {@code $USER@hostname}, for the control plane's audit. */
  public String caller() {
    return CallerIdentity.describe(environment);
  }

  /** The timeout as the operator would write it, for messages. */
  public String timeoutText() {
    return DurationText.format(timeout());
  }
}
