package io.github.bottlerocket.ecsupdater.emulator;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips an emulator suite as a whole when its {@link SuiteGate} says so, with the gate's message as
 * the reason. The message is printed too, since Maven's console shows only the count of skipped
 * tests. A required suite whose emulator is missing is not skipped here: its {@code @BeforeAll}
 * fails with the gate's message.
 */
abstract class SkipUnlessAvailable implements ExecutionCondition {

  /** Decides for the suite; asked once per test class. */
  protected abstract SuiteGate gate();

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("decided for the whole class");
    }
    if (gate() instanceof SuiteGate.Skip skip) {
      System.out.println("[WARNING] " + skip.message());
      return ConditionEvaluationResult.disabled(skip.message());
    }
    return ConditionEvaluationResult.enabled(
        "the emulator is available, or required and then checked in @BeforeAll");
  }
}
