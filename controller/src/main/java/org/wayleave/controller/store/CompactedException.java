package org.wayleave.controller.store;

/** A watch asked for history older than the store keeps. */
public class CompactedException extends StoreException {
  private final long compactedRevision;

  public CompactedException(long requested, long compactedRevision) {
    super(
        "revision "
            + requested
            + " has been compacted; the oldest revision still kept is "
            + (compactedRevision + 1));
    this.compactedRevision = compactedRevision;
  }

  public long compactedRevision() {
    return compactedRevision;
  }
}
