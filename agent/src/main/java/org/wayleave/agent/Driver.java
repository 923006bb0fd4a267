package org.wayleave.agent;

import java.util.Map;
import org.wayleave.api.v1.DeviceConfig;

/**
 * The router as the agent sees it: VLAN sub-interfaces it can read and change.
 *
 * <p>Implementations talk to one router (the simulator's in-memory model, or Linux VLAN interfaces
 * in a network namespace). They must be safe to call from several threads, though the agent only
 * ever runs one {@link #apply} at a time.
 */
public interface Driver {

  /**
   * The sub-interfaces the router carries now.
   *
   * @return the router's configuration, sub-interfaces sorted by name; empty when it carries none
   * @throws DriverException if the router cannot be read at all
   */
  DeviceConfig read() throws DriverException;

  /**
   * Makes the router carry {@code desired}, changing only what differs.
   *
   * <p>Sub-interfaces missing from the router are created, ones that differ are updated, and ones
   * the router carries but {@code desired} does not list are deleted unless {@code keepUnowned}.
   * Each item is applied on its own: a failing item is reported and the others still apply.
   * Applying the same {@code desired} again changes nothing.
   *
   * @param desired the whole configuration the router should carry; an empty {@code device_id}
   *     means "this router"
   * @param keepUnowned leave sub-interfaces that {@code desired} does not list alone
   * @return the items that failed (empty when all applied) and the configuration afterwards
   * @throws DriverException if nothing could be applied: the router is unreachable, or {@code
   *     desired} is malformed as a whole (another device's config, duplicate names)
   */
  ApplyOutcome apply(DeviceConfig desired, boolean keepUnowned) throws DriverException;

  /**
   * Registers {@code listener} to be run whenever the router's sub-interfaces change other than
   * through {@link #apply} (someone on the router's console, a reboot that lost config). It may run
   * on any thread and must return quickly; the agent reads the router afterwards itself.
   */
  void onOutOfBandChange(Runnable listener);

  /**
   * The names the router's own OS gives its ports and the sub-interfaces in {@code actual}, keyed
   * by Wayleave's name ({@code ge-0/0/1}, {@code ge-0/0/1.100}), only where they differ (Linux
   * names cannot hold '/'). The controller matches SNMP's interface names against them. Sent with
   * every Hello, Report and Drift.
   *
   * @param actual what {@link #read} or {@link #apply} just returned
   * @return the differing names; empty when the router's OS uses Wayleave's names, as on the
   *     simulator
   */
  default Map<String, String> osNames(DeviceConfig actual) {
    return Map.of();
  }
}
