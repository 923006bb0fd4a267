package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.controller.testing.SystemParts;

/**
 * Our poller against net-snmp's real {@code snmpd}, started here on a loopback port with a v2c
 * community and a v3 authPriv user (SHA-256, AES-128): both read the host's interfaces.
 */
class SnmpdIT {
  private static final String COMMUNITY = "wayleave-it";
  private static final String AUTH = "auth-passphrase-1";
  private static final String PRIV = "priv-passphrase-1";

  @TempDir static Path dir;
  static Process snmpd;
  static int port;
  static SnmpPoller poller;
  static Telemetry telemetry;
  static final ConcurrentHashMap<String, String> failures = new ConcurrentHashMap<>();

  @BeforeAll
  static void startSnmpd() throws Exception {
    Path binary = SystemParts.require("snmpd", "snmpd");
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path persist = Files.createDirectories(dir.resolve("persist"));
    Path conf = dir.resolve("snmpd.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "rocommunity " + COMMUNITY + " 127.0.0.1",
            "createUser wayleave SHA-256 " + AUTH + " AES " + PRIV,
            "rouser wayleave priv",
            ""));
    ProcessBuilder pb =
        new ProcessBuilder(
            binary.toString(),
            "-f",
            "-C",
            "-c",
            conf.toString(),
            "-Lf",
            dir.resolve("snmpd.log").toString(),
            "-p",
            dir.resolve("snmpd.pid").toString(),
            "udp:127.0.0.1:" + port);
    pb.environment().put("SNMP_PERSISTENT_DIR", persist.toString());
    pb.environment().put("MIBS", "");
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("snmpd.out").toFile());
    snmpd = pb.start();

    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.createDirectories(secrets.resolve("snmpd"));
    Files.writeString(secrets.resolve("snmpd/community"), COMMUNITY + "\n");
    Files.writeString(secrets.resolve("snmpd/auth"), AUTH);
    Files.writeString(secrets.resolve("snmpd/priv"), PRIV);
    Files.writeString(secrets.resolve("snmpd/wrong"), "not-the-passphrase");
    TelemetryConfig config = TelemetryConfig.defaults().withTimeout(Duration.ofMillis(500), 1);
    telemetry = new Telemetry(config, Clock.systemUTC(), id -> 0);
    PollListener recordFailures =
        new PollListener() {
          @Override
          public void polled(String deviceId, DeviceSample sample) {
            failures.remove(deviceId);
            telemetry.polled(deviceId, sample);
          }

          @Override
          public void failed(String deviceId, String reason) {
            failures.put(deviceId, reason);
            telemetry.failed(deviceId, reason);
          }
        };
    poller =
        new SnmpPoller(
            config, new DirectorySecretProvider(secrets), recordFailures, Clock.systemUTC());
    poller.upsert(
        device(
            "v2c",
            SnmpSettings.newBuilder()
                .setVersion(SnmpVersion.SNMP_VERSION_V2C)
                .setAllowV2C(true)
                .setPort(port)
                .setCommunityRef("snmpd/community")
                .build()));
    // snmpd takes a moment to bind: wait until it answers.
    await()
        .atMost(20, TimeUnit.SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> poller.pollNow("v2c").get(5, TimeUnit.SECONDS));
  }

  private static Device device(String id, SnmpSettings snmp) {
    return Device.newBuilder().setId(id).setManagementAddress("127.0.0.1").setSnmp(snmp).build();
  }

  private static SnmpSettings v3(String privRef) {
    return SnmpSettings.newBuilder()
        .setVersion(SnmpVersion.SNMP_VERSION_V3)
        .setPort(port)
        .setUser("wayleave")
        .setAuthProtocol(SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA256)
        .setAuthSecretRef("snmpd/auth")
        .setPrivProtocol(SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_AES128)
        .setPrivSecretRef(privRef)
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (poller != null) {
      poller.close();
    }
    if (snmpd != null) {
      snmpd.destroy();
      if (!snmpd.waitFor(5, TimeUnit.SECONDS)) {
        snmpd.destroyForcibly();
      }
    }
  }

  @Test
  void v2cReadsTheHostsInterfaces() throws Exception {
    assertThat(poller.pollNow("v2c").get(5, TimeUnit.SECONDS)).isTrue();
    Telemetry.DeviceView d = telemetry.device("v2c");
    assertThat(d.reachable()).isTrue();
    assertThat(d.sysUpTime()).isPositive();
    Telemetry.InterfaceView lo = loopback(d);
    assertThat(lo.operStatus()).isEqualTo(IfMib.UP);
    assertThat(lo.adminStatus()).isEqualTo(IfMib.UP);
    // Our own SNMP traffic crosses lo, so its HC counters move (once snmpd's few-second cache of
    // the interface table expires) and give a rate.
    await()
        .atMost(20, TimeUnit.SECONDS)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(poller.pollNow("v2c").get(5, TimeUnit.SECONDS)).isTrue();
              assertThat(loopback(telemetry.device("v2c")).rates().inBps()).isPositive();
            });
  }

  @Test
  void v3AuthPrivReadsTheHostsInterfaces() throws Exception {
    poller.upsert(device("v3", v3("snmpd/priv")));
    assertThat(poller.pollNow("v3").get(10, TimeUnit.SECONDS))
        .as("v3 poll (%s)", failures.get("v3"))
        .isTrue();
    Telemetry.DeviceView d = telemetry.device("v3");
    assertThat(loopback(d).operStatus()).isEqualTo(IfMib.UP);
    assertThat(d.interfaces().size())
        .isEqualTo(
            telemetry.device("v2c") == null
                ? d.interfaces().size()
                : telemetry.device("v2c").interfaces().size());
    // The engine id is cached: a second poll needs no discovery and succeeds the same way.
    long requests = poller.stats().requests();
    assertThat(poller.pollNow("v3").get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(poller.stats().requests() - requests).isEqualTo(1);
  }

  @Test
  void aWrongPrivacyPassphraseIsReportedNotRetriedForever() throws Exception {
    poller.upsert(device("v3-wrong", v3("snmpd/wrong")));
    assertThat(poller.pollNow("v3-wrong").get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(failures.get("v3-wrong")).doesNotContain("not-the-passphrase").isNotEmpty();
    assertThat(telemetry.device("v3-wrong").reachable()).isFalse();
  }

  @Test
  void aMissingSecretNamesTheReference() throws Exception {
    poller.upsert(
        device(
            "v2c-nosecret",
            SnmpSettings.newBuilder()
                .setVersion(SnmpVersion.SNMP_VERSION_V2C)
                .setAllowV2C(true)
                .setPort(port)
                .setCommunityRef("snmpd/absent")
                .build()));
    assertThat(poller.pollNow("v2c-nosecret").get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(failures.get("v2c-nosecret")).contains("snmpd/absent");
  }

  private static Telemetry.InterfaceView loopback(Telemetry.DeviceView d) {
    List<Telemetry.InterfaceView> lo =
        d.interfaces().stream().filter(i -> i.name().equals("lo")).toList();
    assertThat(lo).as("interfaces %s", d.interfaces()).hasSize(1);
    return lo.get(0);
  }
}
