package io.github.bottlerocket.ecsupdater.app;

/**
 * The invocation payload is not one the updater accepts. The message names the field and the fix.
 */
public final class InvalidRequestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
