package org.wayleave.base.secrets;

import java.util.regex.Pattern;

/**
 * Where secrets named by reference come from. Resources (a device's SNMP settings, say) only ever
 * hold the reference; the value is read when it is needed, is never logged, and never leaves the
 * controller.
 */
public interface SecretProvider {
  /**
   * What a reference looks like, wherever secrets are kept: a relative path of slug-like segments,
   * never {@code .} or {@code ..}.
   */
  Pattern REF =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,62}){0,7}");

  /** Whether a reference is well formed (checked before anything is looked up, and on writes). */
  static boolean validRef(String ref) {
    return ref != null && REF.matcher(ref).matches() && !ref.contains("..");
  }

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
