/**
 * Open vSwitch, as an agent's router: {@link org.wayleave.agent.ovs.OvsdbClient} speaks OVSDB (RFC
 * 7047) to the switch's database server, the way the switch's own tools do.
 */
package org.wayleave.agent.ovs;
