package org.wayleave.agent.ovs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wayleave.agent.DriverException;

/**
 * What the switch daemon ({@code ovs-vswitchd}) holds beside its database: each sub-interface's
 * committed rate, and its link state.
 *
 * <p><b>Rates are OpenFlow 1.3 meters</b>, one per direction of each sub-interface: traffic the
 * router sends into the circuit (in on the sub-interface's internal port) and traffic arriving on
 * its VLAN (in on the parent port with that tag), each through a meter whose one band drops what
 * exceeds the committed rate, then on to the bridge's normal switching. Not OVSDB QoS: on the
 * userspace datapath, where routers without the OVS kernel module run, its only policers ({@code
 * egress-policer}, {@code trtcm-policer}) are DPDK's, and {@code linux-htb} shapes only traffic
 * leaving through a kernel device, not what enters the bridge. Meters are not in OVSDB, so they and
 * their flows go through {@code ovs-ofctl} on the bridge's management socket: the flow table is
 * replaced in one OpenFlow bundle (atomic), meters changed only where they differ. The agent owns
 * the bridge's flow table: what it does not put there is removed.
 *
 * <p><b>Links</b> of internal ports start down; the agent runs beside the router, so it sets each
 * one up or down as its sub-interface's admin state says, with {@code ip link}.
 */
final class Datapath {
  /** One sub-interface as the datapath sees it: its port numbers, VLAN and committed rate. */
  record Rate(String name, int ofport, int parentOfport, int vlan, long mbps) {
    /** The meter for what the router sends into the circuit; the other direction is the next. */
    long meterUp() {
      return 2L * ofport;
    }

    long meterDown() {
      return meterUp() + 1;
    }
  }

  private static final Pattern METER =
      Pattern.compile("meter=(\\d+)\\b[^\\n]*\\n?[^\\n]*rate=(\\d+)");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String ofctl;
  private final String ip;
  private final String target;

  /**
   * @param ofctl the {@code ovs-ofctl} program
   * @param ip the {@code ip} program (iproute2)
   * @param target the bridge's OpenFlow management socket, {@code unix:/run/.../br0.mgmt}
   */
  Datapath(String ofctl, String ip, String target) {
    this.ofctl = ofctl;
    this.ip = ip;
    this.target = target;
  }

  String target() {
    return target;
  }

  /** Checks the switch answers OpenFlow on {@link #target}. */
  void check() throws DriverException {
    run(List.of(ofctl, "-O", "OpenFlow13", "show", target), null);
  }

  /**
   * Makes the meters and the flow table carry exactly {@code rates}: new and changed meters first,
   * then the flows in one bundle, then meters no flow uses any more.
   */
  void sync(List<Rate> rates) throws DriverException {
    Map<Long, Long> want = wanted(rates);
    StringBuilder flows = new StringBuilder("priority=0,actions=NORMAL\n");
    for (Rate r : rates) {
      if (r.mbps() <= 0) {
        continue;
      }
      flows.append(
          String.format(
              "priority=100,in_port=%d,actions=meter:%d,NORMAL%n", r.ofport(), r.meterUp()));
      flows.append(
          String.format(
              "priority=100,in_port=%d,dl_vlan=%d,actions=meter:%d,NORMAL%n",
              r.parentOfport(), r.vlan(), r.meterDown()));
    }
    Map<Long, Long> have = meters();
    for (var e : want.entrySet()) {
      Long rate = have.get(e.getKey());
      if (rate == null || rate.longValue() != e.getValue()) {
        meter(rate == null ? "add-meter" : "mod-meter", e.getKey(), e.getValue());
      }
    }
    run(List.of(ofctl, "-O", "OpenFlow13", "--bundle", "replace-flows", target, "-"), flows);
    for (Long id : have.keySet()) {
      if (!want.containsKey(id)) {
        run(List.of(ofctl, "-O", "OpenFlow13", "del-meters", target, "meter=" + id), null);
      }
    }
  }

  /** Whether the switch holds exactly the meters {@code rates} need, at their rates. */
  boolean metersMatch(List<Rate> rates) throws DriverException {
    return meters().equals(wanted(rates));
  }

  private static Map<Long, Long> wanted(List<Rate> rates) {
    Map<Long, Long> want = new TreeMap<>();
    for (Rate r : rates) {
      if (r.mbps() > 0) {
        want.put(r.meterUp(), r.mbps() * 1000);
        want.put(r.meterDown(), r.mbps() * 1000);
      }
    }
    return want;
  }

  /** Sets each Linux link up (true) or down, all with one {@code ip -batch}. */
  void links(Map<String, Boolean> up) throws DriverException {
    if (up.isEmpty()) {
      return;
    }
    StringBuilder batch = new StringBuilder();
    up.forEach(
        (ifname, on) ->
            batch.append("link set dev ").append(ifname).append(on ? " up\n" : " down\n"));
    run(List.of(ip, "-batch", "-"), batch);
  }

  /** The meters the switch holds: id to rate in kbit/s. */
  Map<Long, Long> meters() throws DriverException {
    String out = run(List.of(ofctl, "-O", "OpenFlow13", "dump-meters", target), null);
    Map<Long, Long> m = new TreeMap<>();
    Matcher x = METER.matcher(out);
    while (x.find()) {
      m.put(Long.parseLong(x.group(1)), Long.parseLong(x.group(2)));
    }
    return m;
  }

  private void meter(String command, long id, long kbps) throws DriverException {
    // A burst of a tenth of a second at the committed rate: what a policer usually allows.
    long burst = Math.max(kbps / 10, 64);
    run(
        List.of(
            ofctl,
            "-O",
            "OpenFlow13",
            command,
            target,
            "meter=" + id + ",kbps,burst,band=type=drop,rate=" + kbps + ",burst_size=" + burst),
        null);
  }

  private static String run(List<String> command, CharSequence input) throws DriverException {
    List<String> cmd = new ArrayList<>(command);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (input != null) {
        p.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new DriverException(String.join(" ", cmd) + ": no answer in " + TIMEOUT);
      }
      if (p.exitValue() != 0) {
        throw new DriverException(String.join(" ", cmd) + ": " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new DriverException(cmd.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException(cmd.get(0) + ": interrupted", e);
    }
  }
}
