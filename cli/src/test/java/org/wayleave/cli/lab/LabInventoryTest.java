package org.wayleave.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.Resource;

/** What the lab's controller is given, and the picture it prints: no root needed. */
class LabInventoryTest {
  final List<Lab.Router> routers = Lab.plan(Path.of("lab"), List.of("camden", "islington"));

  @Test
  void theSeedsRecordsForTheLabsCouncilsWithTheLabsAddresses() {
    List<Resource> inv = LabInventory.inventory(routers);
    assertThat(inv.stream().filter(Resource::hasCouncil).map(r -> r.getCouncil().getId()))
        .containsExactlyInAnyOrder("camden", "islington");
    assertThat(inv.stream().filter(Resource::hasSupplier))
        .isNotEmpty()
        .allSatisfy(
            r -> assertThat(r.getSupplier().getCouncilsList()).isSubsetOf("camden", "islington"));
    assertThat(inv.stream().filter(Resource::hasDevice).map(Resource::getDevice))
        .extracting(d -> d.getId() + " " + d.getManagementAddress() + ":" + d.getSnmp().getPort())
        .containsExactly("rtr-camden-01 198.18.0.11:161", "rtr-islington-01 198.18.0.12:161");
    assertThat(inv.stream().filter(Resource::hasVlanPool)).hasSize(2);
  }

  @Test
  void eachCouncilHasOneCircuitOnAServicesVlanAtTheLabsRate() {
    List<Resource> circuits = LabInventory.circuits(routers);
    assertThat(circuits)
        .extracting(
            r ->
                r.getCircuit().getSpec().getCouncil()
                    + " "
                    + r.getCircuit().getSpec().getAEnd().getPort()
                    + "."
                    + r.getCircuit().getSpec().getAEnd().getCTag()
                    + " "
                    + r.getCircuit().getSpec().getCommittedMbps())
        .containsExactly("camden ge-0/0/1.101 20", "islington ge-0/0/1.102 20");
  }

  @Test
  void everyAddressIsFromTheBenchmarkingRange() {
    for (Lab.Router r : routers) {
      for (String a :
          List.of(r.mgmtAddress(), r.hostAddress(), r.lanAddress(), r.circuitAddress(101))) {
        assertThat(a).matches("198\\.1[89]\\.\\d+\\.\\d+");
      }
    }
    Lab.SERVICES.forEach(s -> assertThat(s.address()).startsWith("198.19."));
    assertThat(Lab.CONTROLLER_ADDRESS).startsWith("198.18.");
    assertThat(LabPicture.lines(routers))
        .anyMatch(l -> l.contains("wl-camden") && l.contains("198.18.0.11"))
        .anyMatch(l -> l.contains("VLAN 101") && l.contains("DWP"));
  }
}
