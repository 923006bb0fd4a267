/**
 * The benchmark harness ({@code bench/run}): core (create, plan, apply at scale), southbound
 * (agents connecting and applying), telemetry (SNMP polling against prometheus-snmp-exporter); each
 * writes its figures as JSON under {@code bench/results/}.
 */
package org.wayleave.bench;
