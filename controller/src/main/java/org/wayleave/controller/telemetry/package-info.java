/**
 * What SNMP shows: the asynchronous IF-MIB poller, 64-bit counters with wrap and reboot handling,
 * rates and utilisation, the per-interface rate history, and link state per interface.
 */
package org.wayleave.controller.telemetry;
