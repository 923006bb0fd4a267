package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The NOC benchmark's {@code parameters}: the sizes, how the controller, the client and the browser
 * ran, and exactly what was real in the run and what was put in place before it.
 */
final class NocReportParameters {
  private NocReportParameters() {}

  static void put(ObjectNode p, NocBenchmark o, NocReport.Run run) {
    NocRun.Setup s = run.setup();
    p.put("devices", o.devices);
    p.put("circuits", o.circuits);
    p.put("councils", s.councils());
    p.put("council", s.council());
    p.put("council_circuits", s.councilCircuits());
    p.put("circuit_for_history", s.circuit());
    p.put("requests", o.requests);
    p.put("warmup_requests", o.warmup);
    p.put("browser_loads", o.noBrowser ? 0 : o.browserLoads);
    p.put("browser_warmup_loads", o.noBrowser ? 0 : o.browserWarmup);
    p.put("poll_interval_s", o.pollIntervalSeconds);
    p.put(
        "network",
        "London's 33 councils (the london seed's), the scale seed's routers moved into them in"
            + " blocks, scale-carrier serving all; circuits spread "
            + s.subInterfacesPerRouter()
            + " at most to a router over ge-0/0/1-3, each committing its simulated"
            + " sub-interface's 10-100 Mbit/s, c-tags allocated by the controller");
    p.put(
        "controller",
        "in this JVM, SQLite store, mutual TLS on both gRPC ports and HTTPS (a CA made for the"
            + " run), SNMP polling on; access policy: nobody reads without signing in"
            + " (http.anonymousRead false), one NOC token");
    p.put(
        "http_client",
        "the JDK's HttpClient, HTTP/1.1 over TLS, presenting the NOC's client certificate ("
            + NocRun.NOC.principal()
            + ") from the run's CA and trusting it; one request at a time");
    p.put(
        "browser",
        o.noBrowser
            ? "none (--no-browser)"
            : "Debian's headless Chromium through chromedriver (Selenium), 1600x1040, signed in"
                + " with the NOC's token as the dashboard's sign-in does (POST /api/v1/session,"
                + " HttpOnly session cookie); the controller's certificate accepted by"
                + " acceptInsecureCerts (the run's CA is not in Chromium's store); each load a"
                + " fresh navigation from about:blank with a warm cache, timed by the page itself"
                + " (performance.now() from navigation start, a script injected before the"
                + " page's own) to the first frame painted after the view shows its data; the"
                + " council view shows at most 1,000 rows and says how many more there are");
    real(p.putArray("real"), s);
    prefilled(p.putArray("prefilled"));
    ObjectNode setup = p.putObject("setup");
    setup.put("snmp_port", s.snmpPort());
    setup.put("apply_s", Stats.round3(s.applySeconds()));
    setup.set("phases_written", NocReport.phases(s.phases()));
    setup.put("history_interfaces", s.history().interfaces());
    setup.put("history_polls_written", s.history().points());
    setup.put("history_write_s", Stats.round3(s.history().seconds()));
    setup.put("history_file_mb_after_prefill", s.history().fileBytes() >> 20);
    setup.put("settle_s", Stats.round3(s.settleSeconds()));
    setup.put("snmp_polls_before_reads", s.pollsBeforeReads());
  }

  private static void real(ArrayNode a, NocRun.Setup s) {
    a.add("the controller and its store, loaded from disk at start with every circuit");
    a.add("the inventory and circuits, applied through the controller (c-tags allocated by it)");
    a.add(
        "the routers' SNMP: every router a simulated SNMP v2c agent (Scenarios.snmpOnly, a child"
            + " JVM) carrying its circuits' sub-interfaces; the controller polled them all before"
            + " the reads and goes on polling");
    a.add(
        "the live rates and the last minutes of rate history: the controller's own polls of the"
            + " simulated routers (each sub-interface carrying 20-60 % of its bandwidth, whatever"
            + " the circuit's phase)");
    a.add("HTTPS, client certificates, the access policy and the browser's session sign-in");
  }

  private static void prefilled(ArrayNode a) {
    a.add(
        "the circuits' statuses: written into the store before the measured controller started,"
            + " as the status writer writes them, "
            + NocState.DOWN_PER_MILLE
            + " per 1,000 DOWN, "
            + NocState.DEGRADED_PER_MILLE
            + " per 1,000 DEGRADED, the rest ACTIVE (by circuit number), DOWN and DEGRADED since a"
            + " time within the last day");
    a.add(
        "no agents are connected: the controller keeps each circuit's last phase, as it does when"
            + " an agent goes away, and its Applied condition says the agent is not connected");
    a.add(
        "a day of rate history for every circuit's sub-interface: written into the controller's"
            + " history file (DATA/telemetry/rates.dat, through HistoryFile) before it started,"
            + " a poll every 5 minutes until the last hour and every poll interval within it; a"
            + " daily curve under the committed rate, above 90 % since a DEGRADED circuit's"
            + " transition, nothing since a DOWN one's");
  }
}
