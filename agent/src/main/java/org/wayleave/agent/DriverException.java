package org.wayleave.agent;

/** The router as a whole could not be read or changed (as opposed to one failing item). */
public class DriverException extends Exception {
  private static final long serialVersionUID = 1L;

  public DriverException(String message) {
    super(message);
  }

  public DriverException(String message, Throwable cause) {
    super(message, cause);
  }
}
