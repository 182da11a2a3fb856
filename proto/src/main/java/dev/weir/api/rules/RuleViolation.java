package dev.weir.api.rules;

/**
 * A snapshot breaks a rule. The message names the pool and field, what is allowed and what it got;
 * it is what the control plane answers with and what a proxy sends back in a NACK.
 */
public final class RuleViolation extends Exception {

  public RuleViolation(String message) {
    super(message);
  }
}
