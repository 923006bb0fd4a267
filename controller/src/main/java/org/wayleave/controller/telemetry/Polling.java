package org.wayleave.controller.telemetry;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Device;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.lifecycle.Component;
import org.wayleave.controller.store.StoreEvent;

/**
 * Which routers the poller polls: every device in the plan while this controller leads, none while
 * it does not. Device changes reach the poller's schedule as they land in the cache; a deleted
 * device is forgotten by telemetry too.
 */
public final class Polling implements Component {
  private static final Logger log = LoggerFactory.getLogger(Polling.class);

  private final SnmpPoller poller;
  private final Telemetry telemetry;
  private final ResourceCache cache;
  private volatile boolean running;

  public Polling(SnmpPoller poller, Telemetry telemetry, ResourceCache cache) {
    this.poller = poller;
    this.telemetry = telemetry;
    this.cache = cache;
    cache.addListener((rev, events) -> events.forEach(this::changed));
  }

  @Override
  public String name() {
    return "snmp-polling";
  }

  @Override
  public synchronized void start() {
    running = true;
    List<Device> devices = cache.list(Kind.DEVICE);
    poller.replaceAll(devices);
    log.info("leading: polling {} routers", devices.size());
  }

  @Override
  public synchronized void stop() {
    running = false;
    poller.replaceAll(List.of());
    log.info("not leading: polling no router");
  }

  private synchronized void changed(StoreEvent e) {
    String key = e.kv().key();
    if (!key.startsWith(Kind.DEVICE.prefix())) {
      return;
    }
    String id = key.substring(Kind.DEVICE.prefix().length());
    Device d = cache.get(Kind.DEVICE, id);
    if (d == null) {
      poller.remove(id);
      telemetry.forget(id);
    } else if (running) {
      poller.upsert(d);
    }
  }
}
