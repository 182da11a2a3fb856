package dev.weir.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version Maven stamped into the jar, for {@code version}, {@code --version} and the user
 * agent.
 */
final class WeirctlVersion implements IVersionProvider {

  private static final String RESOURCE = "weirctl.properties";

  static String current() {
    try (InputStream in = WeirctlVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"weirctl " + current()};
  }
}
