package org.wayleave.controller.store;

/** The store could not do what was asked (I/O, corruption, closed). Unchecked. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
