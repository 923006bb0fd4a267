/**
 * A circuit's observed status from evidence: what its routers' agents reported ({@link
 * org.wayleave.controller.status.AgentEvidence}, from southbound) and what SNMP shows ({@link
 * org.wayleave.controller.status.LinkEvidence}, from telemetry), combined by a pure calculator and
 * written, only where its meaning changed, by the leader's status writer. Neither source knows of
 * the other.
 */
package org.wayleave.controller.status;
