package org.wayleave.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.base.secrets.SecretProvider;
import org.wayleave.controller.core.Kind;

/**
 * The poller's outcome hook, with a real poller on loopback: a router that never answers counts as
 * a timeout, one whose secret is missing as an error, each with its duration; and the router shows
 * as unreachable.
 */
class PollMetricsIT {
  @TempDir Path dir;

  static final SecretProvider SECRETS =
      ref -> {
        if (ref.equals("community")) {
          return "public";
        }
        throw new SecretProvider.SecretException("secret '" + ref + "' does not exist");
      };

  @Test
  void timeoutsAndErrorsAreCountedApartWithTheirDurations() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        MetricsFixture f = new MetricsFixture(dir, SECRETS)) {
      Device[] devices = f.cache.list(Kind.DEVICE).toArray(Device[]::new);
      Device mute = pointedAt(devices[0], silent.getLocalPort(), "community");
      Device keyless = pointedAt(devices[1], silent.getLocalPort(), "missing");
      f.poller.upsert(mute);
      f.poller.upsert(keyless);

      assertThat(f.poller.pollNow(mute.getId()).get(30, TimeUnit.SECONDS)).isFalse();
      assertThat(f.poller.pollNow(keyless.getId()).get(30, TimeUnit.SECONDS)).isFalse();

      Exposition e = f.scrape();
      assertThat(e.one("wayleave_snmp_polls_total").value()).isEqualTo(2);
      assertThat(e.one("wayleave_snmp_poll_failures_total", "reason", "timeout").value())
          .isEqualTo(1);
      assertThat(e.one("wayleave_snmp_poll_failures_total", "reason", "error").value())
          .isEqualTo(1);
      assertThat(e.one("wayleave_snmp_poll_duration_seconds_count", "result", "timeout").value())
          .isEqualTo(1);
      assertThat(e.one("wayleave_snmp_poll_duration_seconds_count", "result", "error").value())
          .isEqualTo(1);
      assertThat(e.one("wayleave_snmp_poll_duration_seconds_count", "result", "success").value())
          .isZero();
      // A timeout lasts at least the timeout: 200 ms, so it is not in the 100 ms bucket.
      assertThat(
              e.one("wayleave_snmp_poll_duration_seconds_bucket", "result", "timeout", "le", "0.1")
                  .value())
          .isZero();
      assertThat(e.one("wayleave_snmp_routers_polled").value()).isEqualTo(2);
      assertThat(e.one("wayleave_snmp_routers_unreachable").value()).isEqualTo(2);
      assertThat(e.one("wayleave_device_reachable", "device", mute.getId()).value()).isZero();
      assertThat(e.one("wayleave_telemetry_enabled").value()).isEqualTo(1);
    }
  }

  /** Every series the example alert rules read is one the controller exports, under that name. */
  @Test
  void everySeriesTheExampleAlertsReadIsExported() throws Exception {
    String rules = Files.readString(PromtoolIT.EXAMPLES.resolve("alerts.yml"));
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("\\bwayleave_[a-z_]+").matcher(rules);
    while (m.find()) {
      used.add(m.group());
    }
    assertThat(used)
        .contains(
            "wayleave_circuit_up",
            "wayleave_device_reachable",
            "wayleave_reconcile_queue_depth",
            "wayleave_snmp_poll_failures_total");
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        MetricsFixture f = new MetricsFixture(dir, SECRETS)) {
      Circuit c = f.circuitOf("camden");
      f.poll(
          c.getSpec().getAEnd().getDevice(),
          MetricsFixture.aEndInterface(c),
          c.getId(),
          1,
          1_000_000,
          1);
      f.poll(
          c.getSpec().getAEnd().getDevice(),
          MetricsFixture.aEndInterface(c),
          c.getId(),
          1,
          1_000_000,
          1);
      Device mute = pointedAt(f.cache.list(Kind.DEVICE).get(0), silent.getLocalPort(), "community");
      f.poller.upsert(mute);
      f.poller.pollNow(mute.getId()).get(30, TimeUnit.SECONDS);
      Exposition e = f.scrape();
      Set<String> exported = new TreeSet<>(e.types.keySet()); // families, as descriptions name them
      e.samples.forEach(s -> exported.add(s.name())); // and samples: _bucket, _total
      assertThat(exported).containsAll(used);
    }
  }

  static Device pointedAt(Device d, int port, String communityRef) {
    return d.toBuilder()
        .setManagementAddress("127.0.0.1")
        .setSnmp(
            SnmpSettings.newBuilder()
                .setVersion(SnmpVersion.SNMP_VERSION_V2C)
                .setAllowV2C(true)
                .setPort(port)
                .setCommunityRef(communityRef))
        .build();
  }
}
