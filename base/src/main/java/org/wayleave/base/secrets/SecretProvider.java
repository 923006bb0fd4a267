package org.wayleave.base.secrets;

/**
 * Where secrets named by reference come from. Resources (a device's SNMP settings, say) only ever
 * hold the reference; the value is read when it is needed, is never logged, and never leaves the
 * controller.
 */
public interface SecretProvider {

  /**
   * The secret a reference names.
   *
   * @throws SecretException naming the reference (never the value) when there is no such secret or
   *     it cannot be read
   */
  String resolve(String ref);

  /** A provider that knows no secret: every lookup fails with a clear message. */
  static SecretProvider none() {
    return ref -> {
      throw new SecretException(
          "secret '"
              + ref
              + "': no secret provider is configured (start the controller with --secrets DIR)");
    };
  }

  /**
   * A secret is missing, malformed or unreadable. The message names the reference, never the value.
   */
  final class SecretException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SecretException(String message) {
      super(message);
    }
  }
}
