package org.wayleave.controller.core;

import com.google.protobuf.Message;

/**
 * What a caller may name. A reference inside a write (a circuit's council, supplier, devices and
 * ports) is resolved through the caller's visibility before anything else, so an object the caller
 * may not see answers exactly as a missing one would: same code, same field, same message.
 */
@FunctionalInterface
public interface Visibility {
  /** Engineers, the NOC and the controller itself: everything. */
  Visibility ALL = obj -> true;

  /** Whether the caller may see (and so name) {@code obj}, which is not null. */
  boolean sees(Message obj);
}
