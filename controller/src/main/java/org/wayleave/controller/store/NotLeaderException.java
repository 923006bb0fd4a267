package org.wayleave.controller.store;

/** A fenced write was refused: the leadership it was made under has been lost. Nothing written. */
public class NotLeaderException extends StoreException {
  public NotLeaderException(String message) {
    super(message);
  }
}
