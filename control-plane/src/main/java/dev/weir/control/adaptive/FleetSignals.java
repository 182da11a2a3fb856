package dev.weir.control.adaptive;

import dev.weir.api.v1.Pool;
import java.util.List;

/** Where the loop reads what the fleet reports; tests give fixed figures. */
@FunctionalInterface
interface FleetSignals {

  /** One entry per ACTIVE backend of {@code pool}, in the pool's order. */
  List<BackendSignals> of(Pool pool);
}
