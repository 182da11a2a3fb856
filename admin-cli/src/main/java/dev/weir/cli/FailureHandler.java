package dev.weir.cli;

import dev.weir.api.status.AnsweredBy;
import dev.weir.api.tls.TlsFailures;
import dev.weir.cli.controlplane.ClientTls;
import dev.weir.cli.output.TerminalText;
import dev.weir.cli.session.GlobalOptions;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IExitCodeGenerator;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failed command into exactly one line on stderr and an exit code. Operators see the
 * server's own description, so the CLI and the API report a problem in the same words.
 */
final class FailureHandler implements IExecutionExceptionHandler, IExitCodeExceptionMapper {

  private static final String GENERIC_IO_DESCRIPTION = "io exception";
  private static final Pattern NATIVE_CALL_PREFIX =
      Pattern.compile("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ");

  private final GlobalOptions options;
  private final PrintWriter err;

  FailureHandler(GlobalOptions options, PrintWriter err) {
    this.options = options;
    this.err = err;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    // The message may quote what a hostile file or server said: no raw control characters.
    err.println("error: " + TerminalText.escape(oneLine(message(e))));
    err.flush();
    return getExitCode(e);
  }

  @Override
  public int getExitCode(Throwable e) {
    if (e instanceof IExitCodeGenerator generator) {
      return generator.getExitCode();
    }
    Status status = statusOf(e);
    if (status == null) {
      return ExitCodes.REFUSED;
    }
    // Said by the control plane itself, not made up by gRPC for a broken call.
    boolean answered = AnsweredBy.controlPlane(Status.trailersFromThrowable(e));
    if (answered && status.getCode() == Status.Code.UNKNOWN) {
      return ExitCodes.MAYBE_APPLIED;
    }
    if (answered
        && (status.getCode() == Status.Code.UNAVAILABLE
            || status.getCode() == Status.Code.DATA_LOSS)) {
      // It is up, but its store failed: not "could not be reached".
      return ExitCodes.STORE_UNAVAILABLE;
    }
    return switch (status.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> ExitCodes.UNREACHABLE;
      case UNAUTHENTICATED, PERMISSION_DENIED -> ExitCodes.NOT_ALLOWED;
      default -> ExitCodes.REFUSED;
    };
  }

  private String message(Exception e) {
    Status status = statusOf(e);
    if (status == null) {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
    if (status.getCode() == Status.Code.UNAVAILABLE
        && AnsweredBy.controlPlane(Status.trailersFromThrowable(e))) {
      // It answered: the control plane is up but cannot serve this now (its store is down).
      return "control plane at " + options.controlPlane() + " is unavailable: " + describe(status);
    }
    return switch (status.getCode()) {
      case UNAVAILABLE ->
          "cannot reach control plane at "
              + options.controlPlane()
              + ": "
              + tlsFailure(e).orElseGet(() -> cause(status) + tlsHint(status));
      case DEADLINE_EXCEEDED ->
          "control plane at "
              + options.controlPlane()
              + " did not answer within "
              + options.timeoutText();
      case UNAUTHENTICATED ->
          "control plane at "
              + options.controlPlane()
              + " did not accept the credentials: "
              + describe(status)
              + " (see --tls-cert/--tls-key, --token-file, $WEIR_TOKEN)";
      case PERMISSION_DENIED -> "not allowed: " + describe(status);
      default ->
          status.getDescription() != null
              ? status.getDescription()
              : "control plane answered " + status.getCode();
    };
  }

  // With TLS, grpc says "ssl exception" or "io exception"; the reason is in the cause chain.
  private Optional<String> tlsFailure(Exception e) {
    ClientTls tls;
    try {
      tls = options.tls();
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
    return tls.enabled() ? TlsFailures.explain(e, tls.ca(), tls.certificate()) : Optional.empty();
  }

  // Something listens but dropped a plaintext connection: most likely a port that serves TLS.
  // Only for the transport's own failures, which carry a cause, or which grpc words as a
  // connection closed "while performing protocol negotiation" (it reports that one without a
  // cause when the drop comes early) or "Network closed for unknown reason" (a TLS server that
  // read a plaintext preface); a server's own UNAVAILABLE has none of these.
  private String tlsHint(Status status) {
    String cause = cause(status).toLowerCase(Locale.ROOT);
    boolean transport =
        status.getCause() != null
            || cause.contains("protocol negotiation")
            || cause.contains("network closed for unknown reason");
    if (!transport
        || cause.contains("refused")
        || cause.contains("unresolved")
        || cause.contains("unknown host")) {
      return "";
    }
    try {
      return options.tls().enabled() ? "" : " (if it serves TLS, add --tls-ca)";
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String describe(Status status) {
    return status.getDescription() != null ? status.getDescription() : status.getCode().toString();
  }

  // For a failed connection grpc's description is just "io exception"; the reason is in the
  // deepest cause, after netty's native-call prefix, "finishConnect(..) failed with error(-111): ".
  private static String cause(Status status) {
    String description = status.getDescription();
    // "io exception", and since grpc 1.6x also "io exception\nChannel Pipeline: [...]".
    if (description != null
        && !description.toLowerCase(Locale.ROOT).startsWith(GENERIC_IO_DESCRIPTION)) {
      return description;
    }
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null) {
      return NATIVE_CALL_PREFIX.matcher(cause.getMessage()).replaceFirst("");
    }
    return description != null ? description : "unavailable";
  }

  private static Status statusOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException || t instanceof StatusException) {
        return Status.fromThrowable(t);
      }
    }
    return null;
  }

  static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
