package org.wayleave.controller.store.etcd;

import io.etcd.jetcd.common.exception.CompactedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wayleave.controller.store.StoreException;

/** Waits for jetcd calls and turns their failures into {@link StoreException}s. */
final class Etcd {
  /** How long one etcd call may take before the store gives up on it. */
  static final long CALL_TIMEOUT_SECONDS = 10;

  private Etcd() {}

  static <T> T await(CompletableFuture<T> call, String what) {
    try {
      return call.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreException("etcd " + what + " interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StoreException("etcd " + what + " failed: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new StoreException(
          "etcd " + what + ": no answer within " + CALL_TIMEOUT_SECONDS + " s", e);
    }
  }

  /** Whether {@code e} (or a cause) is etcd's "required revision has been compacted". */
  static boolean isCompacted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CompactedException
          || (t.getMessage() != null && t.getMessage().contains("has been compacted"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
