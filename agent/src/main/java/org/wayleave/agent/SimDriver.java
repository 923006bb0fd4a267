package org.wayleave.agent;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.config.ConfigDiff;

/** A {@link Driver} over a {@link SimRouter}. */
public final class SimDriver implements Driver {
  private final SimRouter router;

  public SimDriver(SimRouter router) {
    this.router = Objects.requireNonNull(router, "router");
  }

  public SimRouter router() {
    return router;
  }

  @Override
  public DeviceConfig read() throws DriverException {
    checkReachable();
    return router.config();
  }

  @Override
  public ApplyOutcome apply(DeviceConfig desired, boolean keepUnowned) throws DriverException {
    checkReachable();
    if (!desired.getDeviceId().isEmpty() && !desired.getDeviceId().equals(router.deviceId())) {
      throw new DriverException(
          "desired.device_id: '"
              + desired.getDeviceId()
              + "' is not this router ('"
              + router.deviceId()
              + "')");
    }
    try {
      router.awaitApplyDelay();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted before applying", e);
    }
    ConfigDiff diff;
    try {
      diff = ConfigDiff.between(router.config(), desired, keepUnowned);
    } catch (IllegalArgumentException e) {
      throw new DriverException(e.getMessage(), e);
    }
    List<ItemError> errors =
        diff.applyEach(
            new ConfigDiff.Items() {
              @Override
              public void create(SubInterface s) throws SimRouter.RejectedException {
                router.put(s);
              }

              @Override
              public void update(SubInterface before, SubInterface after)
                  throws SimRouter.RejectedException {
                router.put(after);
              }

              @Override
              public void delete(SubInterface s) throws SimRouter.RejectedException {
                router.remove(s.getName());
              }
            });
    return new ApplyOutcome(errors, router.config());
  }

  @Override
  public void onOutOfBandChange(Runnable listener) {
    router.addOutOfBandListener(listener);
  }

  private void checkReachable() throws DriverException {
    Optional<String> why = router.unreachable();
    if (why.isPresent()) {
      throw new DriverException(why.get());
    }
  }
}
