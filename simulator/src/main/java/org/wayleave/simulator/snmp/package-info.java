/**
 * The simulated routers' SNMP agent: {@link org.wayleave.simulator.snmp.RouterMib} (the IF-MIB view
 * of one router, its traffic model and its SNMP faults) and {@link
 * org.wayleave.simulator.snmp.SnmpFleet} (thousands of routers answering v2c and v3 from one NIO
 * selector thread, with snmp4j for BER, message processing and USM).
 */
package org.wayleave.simulator.snmp;
