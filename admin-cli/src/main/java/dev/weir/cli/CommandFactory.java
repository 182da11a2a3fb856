package dev.weir.cli;

import dev.weir.cli.session.Session;
import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Creates commands with the session passed to their constructor, so a command states what it needs
 * instead of reaching up through its parent commands for it.
 */
final class CommandFactory implements IFactory {

  private final Session session;
  private final IFactory fallback = CommandLine.defaultFactory();

  CommandFactory(Session session) {
    this.session = session;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      Class<?>[] parameters = constructor.getParameterTypes();
      if (parameters.length == 1 && parameters[0] == Session.class) {
        constructor.setAccessible(true);
        return type.cast(constructor.newInstance(session));
      }
    }
    return fallback.create(type);
  }
}
