package org.wayleave.agent.ovs;

/** An OVSDB call failed: refused by the server, unanswered, or the connection is gone. */
public class OvsdbException extends Exception {
  public OvsdbException(String message) {
    super(message);
  }

  public OvsdbException(String message, Throwable cause) {
    super(message, cause);
  }
}
