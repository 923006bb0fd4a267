package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.wayleave.controller.northbound.InProcessController.camden;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.PortRole;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.api.v1.VlanRange;
import org.wayleave.controller.core.Kind;

/**
 * Every validation rule refuses its bad input over gRPC with the right status code, the field and
 * the rule in the message and in google.rpc details, and an unchanged store revision.
 */
class ValidationTest extends NorthboundTestSupport {
  /** Runs {@code call}, expects it refused, and checks nothing moved in the store. */
  private StatusRuntimeException refused(
      Runnable call, Status.Code code, String field, String rule) {
    long before = c.store.revision();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("the call should have been refused").isNotNull();
    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
    assertThat(e.getStatus().getDescription()).contains(field + ":").contains(rule);
    assertThat(c.store.revision()).as("store revision must not move").isEqualTo(before);
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details).isNotNull();
    List<String> fields = new ArrayList<>();
    boolean errorInfo = false;
    for (Any any : details.getDetailsList()) {
      try {
        if (any.is(BadRequest.class)) {
          any.unpack(BadRequest.class)
              .getFieldViolationsList()
              .forEach(v -> fields.add(v.getField()));
        } else if (any.is(PreconditionFailure.class)) {
          any.unpack(PreconditionFailure.class)
              .getViolationsList()
              .forEach(v -> fields.add(v.getSubject()));
        } else if (any.is(ErrorInfo.class)) {
          errorInfo = any.unpack(ErrorInfo.class).getDomain().equals(Statuses.DOMAIN);
        } else if (any.is(ResourceInfo.class)) {
          fields.add(any.unpack(ResourceInfo.class).getResourceName());
        }
      } catch (InvalidProtocolBufferException ex) {
        throw new AssertionError(ex);
      }
    }
    assertThat(errorInfo).as("ErrorInfo detail present").isTrue();
    assertThat(fields).as("details name the field").contains(field);
    return e;
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 4095, 4096})
  void vlanOutOfRangeIsRefused(int vlan) {
    Circuit bad =
        camden("LPSN-CAM-0100")
            .setSpec(
                camden("x").getSpec().toBuilder()
                    .setAEnd(
                        Termination.newBuilder()
                            .setDevice("rtr-camden-01")
                            .setPort("ge-0/0/1")
                            .setCTag(vlan)))
            .build();
    refused(
        () -> c.circuits.createCircuit(bad),
        Status.Code.INVALID_ARGUMENT,
        "spec.a_end.c_tag",
        "must be within 1-4094 (got " + vlan + ")");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 1002, 1005})
  void reservedVlanIsRefused(int vlan) {
    Circuit bad = withTag(camden("LPSN-CAM-0101"), vlan);
    refused(
        () -> c.circuits.createCircuit(bad),
        Status.Code.INVALID_ARGUMENT,
        "spec.a_end.c_tag",
        "reserved");
  }

  @Test
  void vlanReservedByPoolIsRefused() {
    Circuit bad = withTag(camden("LPSN-CAM-0102"), 999);
    refused(
        () -> c.circuits.createCircuit(bad),
        Status.Code.INVALID_ARGUMENT,
        "spec.a_end.c_tag",
        "reserved by pool 'pool-camden'");
  }

  @Test
  void sTagOutOfRangeIsRefused() {
    Circuit.Builder b = camden("LPSN-CAM-0103");
    b.getSpecBuilder().getAEndBuilder().setSTag(5000);
    refused(
        () -> c.circuits.createCircuit(b.build()),
        Status.Code.INVALID_ARGUMENT,
        "spec.a_end.s_tag",
        "within 1-4094");
  }

  @Test
  void duplicateCTagOnOnePortIsRefused() {
    c.circuits.createCircuit(withTag(camden("LPSN-CAM-0001"), 200));
    StatusRuntimeException e =
        refused(
            () -> c.circuits.createCircuit(withTag(camden("LPSN-CAM-0002"), 200)),
            Status.Code.FAILED_PRECONDITION,
            "spec.a_end.c_tag",
            "already used by circuit LPSN-CAM-0001");
    assertThat(e.getStatus().getDescription()).contains("one c-tag per device, port and s-tag");
  }

  @Test
  void sameCTagUnderAnotherSTagOrPortIsAllowed() {
    c.circuits.createCircuit(withTag(camden("LPSN-CAM-0001"), 200));
    Circuit.Builder qinq = camden("LPSN-CAM-0002");
    qinq.getSpecBuilder().getAEndBuilder().setCTag(200).setSTag(10);
    Circuit created = c.circuits.createCircuit(qinq.build());
    assertThat(created.getSpec().getAEnd().getSTag()).isEqualTo(10);
    Circuit.Builder otherPort = camden("LPSN-CAM-0003");
    otherPort.getSpecBuilder().getAEndBuilder().setCTag(200).setPort("ge-0/0/2");
    assertThat(c.circuits.createCircuit(otherPort.build()).getSpec().getAEnd().getCTag())
        .isEqualTo(200);
  }

  @Test
  void unknownDeviceIsRefused() {
    Circuit.Builder b = camden("LPSN-CAM-0104");
    b.getSpecBuilder().getAEndBuilder().setDevice("rtr-nowhere-01");
    refused(
        () -> c.circuits.createCircuit(b.build()),
        Status.Code.NOT_FOUND,
        "spec.a_end.device",
        "device 'rtr-nowhere-01' does not exist");
  }

  @Test
  void unknownPortIsRefused() {
    Circuit.Builder b = camden("LPSN-CAM-0105");
    b.getSpecBuilder().getAEndBuilder().setPort("ge-9/9/9");
    refused(
        () -> c.circuits.createCircuit(b.build()),
        Status.Code.NOT_FOUND,
        "spec.a_end.port",
        "has no port 'ge-9/9/9'");
  }

  @Test
  void managementPortIsRefused() {
    Circuit.Builder b = camden("LPSN-CAM-0106");
    b.getSpecBuilder().getAEndBuilder().setPort("fxp0");
    refused(
        () -> c.circuits.createCircuit(b.build()),
        Status.Code.INVALID_ARGUMENT,
        "spec.a_end.port",
        "management port");
  }

  @Test
  void unknownCouncilAndSupplierAreRefused() {
    Circuit.Builder b = camden("LPSN-CAM-0107");
    b.getSpecBuilder().setCouncil("atlantis");
    refused(
        () -> c.circuits.createCircuit(b.build()),
        Status.Code.NOT_FOUND,
        "spec.council",
        "council 'atlantis' does not exist");
    Circuit.Builder s = camden("LPSN-CAM-0108");
    s.getSpecBuilder().setSupplier("acme");
    refused(
        () -> c.circuits.createCircuit(s.build()),
        Status.Code.NOT_FOUND,
        "spec.supplier",
        "supplier 'acme' does not exist");
  }

  @Test
  void supplierMustServeTheCouncil() {
    Circuit.Builder b = camden("LPSN-CAM-0109");
    b.getSpecBuilder().setSupplier("fernhollow-fibre");
    refused(
        () -> c.circuits.createCircuit(b.build()),
        Status.Code.FAILED_PRECONDITION,
        "spec.supplier",
        "not contracted to serve council 'camden'");
  }

  @Test
  void aEndMustBeOnTheCouncilsOwnRouter() {
    Circuit.Builder b = camden("LPSN-CAM-0110");
    b.getSpecBuilder().getAEndBuilder().setDevice("rtr-islington-01");
    refused(
        () -> c.circuits.createCircuit(b.build()),
        Status.Code.FAILED_PRECONDITION,
        "spec.a_end.device",
        "not of council 'camden'");
  }

  @Test
  void everyEndMustBeOnARouterOfACouncilTheSupplierServes() {
    // quillon-carrier serves camden and islington, not bromley: it may not put a VLAN on Bromley's
    // router.
    Circuit.Builder b = camden("LPSN-CAM-0120");
    b.getSpecBuilder()
        .setKind(CircuitKind.CIRCUIT_KIND_SHARED_SERVICE)
        .setBEnd(Termination.newBuilder().setDevice("rtr-bromley-01").setPort("ge-0/0/2"));
    refused(
        () -> c.circuits.createCircuit(b.build()),
        Status.Code.FAILED_PRECONDITION,
        "spec.b_end.device",
        "council 'bromley', which supplier 'quillon-carrier' is not contracted to serve");
    assertThat(c.state.cache().get(Kind.CIRCUIT, "LPSN-CAM-0120")).isNull();

    // An update that moves the far end there is refused the same way, and changes nothing.
    Circuit.Builder ok = camden("LPSN-CAM-0121");
    ok.getSpecBuilder()
        .setKind(CircuitKind.CIRCUIT_KIND_SHARED_SERVICE)
        .setBEnd(Termination.newBuilder().setDevice("rtr-islington-01").setPort("ge-0/0/2"));
    Circuit created = c.circuits.createCircuit(ok.build());
    assertThat(created.getSpec().getBEnd().hasCTag())
        .as("a far end in a council the supplier serves is accepted")
        .isTrue();
    Circuit.Builder moved = created.toBuilder();
    moved
        .getSpecBuilder()
        .setBEnd(Termination.newBuilder().setDevice("rtr-bromley-01").setPort("ge-0/0/2"));
    refused(
        () -> c.circuits.updateCircuit(moved.build()),
        Status.Code.FAILED_PRECONDITION,
        "spec.b_end.device",
        "not contracted to serve");
    assertThat(
            c.circuits
                .getCircuit(GetRequest.newBuilder().setId("LPSN-CAM-0121").build())
                .getSpec()
                .getBEnd()
                .getDevice())
        .isEqualTo("rtr-islington-01");

    // With a supplier serving both councils (tessellate-telecom: camden and lambeth) the same link
    // is accepted.
    Circuit.Builder both = camden("LPSN-CAM-0122");
    both.getSpecBuilder()
        .setSupplier("tessellate-telecom")
        .setKind(CircuitKind.CIRCUIT_KIND_SHARED_SERVICE)
        .setBEnd(Termination.newBuilder().setDevice("rtr-lambeth-01").setPort("ge-0/0/2"));
    assertThat(c.circuits.createCircuit(both.build()).getSpec().getBEnd().getDevice())
        .isEqualTo("rtr-lambeth-01");
  }

  @Test
  void bandwidthRules() {
    Circuit.Builder zero = camden("LPSN-CAM-0111");
    zero.getSpecBuilder().setCommittedMbps(0);
    refused(
        () -> c.circuits.createCircuit(zero.build()),
        Status.Code.INVALID_ARGUMENT,
        "spec.committed_mbps",
        "at least 1 Mbit/s (got 0)");
    Circuit.Builder tooFast = camden("LPSN-CAM-0112");
    tooFast.getSpecBuilder().setCommittedMbps(1001);
    refused(
        () -> c.circuits.createCircuit(tooFast.build()),
        Status.Code.INVALID_ARGUMENT,
        "spec.committed_mbps",
        "must not exceed the speed of port ge-0/0/1");
  }

  @Test
  void oversubscribedPortIsRefused() {
    Circuit.Builder first = camden("LPSN-CAM-0001");
    first.getSpecBuilder().setCommittedMbps(600);
    c.circuits.createCircuit(first.build());
    Circuit.Builder second = camden("LPSN-CAM-0002");
    second.getSpecBuilder().setCommittedMbps(500);
    refused(
        () -> c.circuits.createCircuit(second.build()),
        Status.Code.FAILED_PRECONDITION,
        "spec.committed_mbps",
        "would carry 1100 Mbit/s of committed bandwidth, over its speed of 1000 Mbit/s"
            + " (oversubscribed)");
    second.getSpecBuilder().setCommittedMbps(400);
    assertThat(c.circuits.createCircuit(second.build()).getSpec().getCommittedMbps())
        .isEqualTo(400);
  }

  @Test
  void snmpSettingsRules() {
    Device camden = c.inventory.getDevice(GetRequest.newBuilder().setId("rtr-camden-01").build());
    Device.Builder noPriv = camden.toBuilder();
    noPriv.getSnmpBuilder().clearPrivSecretRef();
    refused(
        () -> c.inventory.updateDevice(noPriv.build()),
        Status.Code.INVALID_ARGUMENT,
        "snmp.priv_secret_ref",
        "is required for SNMP v3 (USM authPriv)");
    Device.Builder escape = camden.toBuilder();
    escape.getSnmpBuilder().setAuthSecretRef("../../etc/shadow");
    refused(
        () -> c.inventory.updateDevice(escape.build()),
        Status.Code.INVALID_ARGUMENT,
        "snmp.auth_secret_ref",
        "must be a secret reference");
    Device.Builder v2c = camden.toBuilder();
    v2c.getSnmpBuilder()
        .setVersion(SnmpVersion.SNMP_VERSION_V2C)
        .setAllowV2C(true)
        .clearCommunityRef();
    refused(
        () -> c.inventory.updateDevice(v2c.build()),
        Status.Code.INVALID_ARGUMENT,
        "snmp.community_ref",
        "is required for SNMP v2c");
    Device.Builder reps = camden.toBuilder();
    reps.getSnmpBuilder().setMaxRepetitions(5000);
    refused(
        () -> c.inventory.updateDevice(reps.build()),
        Status.Code.INVALID_ARGUMENT,
        "snmp.max_repetitions",
        "within 0-1000");
  }

  @Test
  void anUnsetSnmpVersionIsV3AuthPrivAndHeldToItsRules() {
    Device camden = c.inventory.getDevice(GetRequest.newBuilder().setId("rtr-camden-01").build());
    Device.Builder unset = camden.toBuilder();
    unset.getSnmpBuilder().clearVersion().clearPrivSecretRef();
    refused(
        () -> c.inventory.updateDevice(unset.build()),
        Status.Code.INVALID_ARGUMENT,
        "snmp.priv_secret_ref",
        "is required for SNMP v3 (USM authPriv)");
    Device.Builder bare = camden.toBuilder();
    bare.getSnmpBuilder().clear().setCommunityRef("snmp/rtr-camden-01/community");
    StatusRuntimeException e =
        refused(
            () -> c.inventory.updateDevice(bare.build()),
            Status.Code.INVALID_ARGUMENT,
            "snmp.user",
            "is required for SNMP v3");
    assertThat(e.getStatus().getDescription())
        .contains("snmp.auth_secret_ref: is required for SNMP v3 (USM authPriv)")
        .contains("snmp.priv_secret_ref: is required for SNMP v3 (USM authPriv)");
    Device.Builder ok = camden.toBuilder();
    ok.getSnmpBuilder().clearVersion();
    assertThat(c.inventory.updateDevice(ok.build()).getSnmp().getVersion())
        .isEqualTo(SnmpVersion.SNMP_VERSION_UNSPECIFIED);
  }

  @Test
  void snmpV2cOnlyWithAllowV2c() {
    Device camden = c.inventory.getDevice(GetRequest.newBuilder().setId("rtr-camden-01").build());
    Device.Builder v2c = camden.toBuilder();
    v2c.getSnmpBuilder()
        .clear()
        .setVersion(SnmpVersion.SNMP_VERSION_V2C)
        .setPort(16161)
        .setCommunityRef("snmp/rtr-camden-01/community");
    refused(
        () -> c.inventory.updateDevice(v2c.build()),
        Status.Code.INVALID_ARGUMENT,
        "snmp.version",
        "SNMP v2c sends the community in clear: set allow_v2c: true on this device to use it");
    Device.Builder stale = camden.toBuilder();
    stale.getSnmpBuilder().setAllowV2C(true);
    refused(
        () -> c.inventory.updateDevice(stale.build()),
        Status.Code.INVALID_ARGUMENT,
        "snmp.allow_v2c",
        "is only meaningful with SNMP_VERSION_V2C");
    Device.Builder staleUnset = camden.toBuilder();
    staleUnset.getSnmpBuilder().clearVersion().setAllowV2C(true);
    refused(
        () -> c.inventory.updateDevice(staleUnset.build()),
        Status.Code.INVALID_ARGUMENT,
        "snmp.allow_v2c",
        "is only meaningful with SNMP_VERSION_V2C");
    v2c.getSnmpBuilder().setAllowV2C(true);
    Device updated = c.inventory.updateDevice(v2c.build());
    assertThat(updated.getSnmp().getVersion()).isEqualTo(SnmpVersion.SNMP_VERSION_V2C);
    assertThat(updated.getSnmp().getAllowV2C()).isTrue();
    assertThat(
            c.inventory
                .getDevice(GetRequest.newBuilder().setId("rtr-camden-01").build())
                .getSnmp()
                .getAllowV2C())
        .isTrue();
  }

  @Test
  void malformedIdsAreRefused() {
    refused(
        () -> c.circuits.createCircuit(camden("lpsn-cam-1").build()),
        Status.Code.INVALID_ARGUMENT,
        "id",
        "must match");
    refused(
        () ->
            c.inventory.createCouncil(
                Council.newBuilder().setId("Bad Id").setName("x").setRegion("london").build()),
        Status.Code.INVALID_ARGUMENT,
        "id",
        "lower-case letters");
    refused(
        () ->
            c.inventory.createCouncil(
                Council.newBuilder()
                    .setId("newtown")
                    .setName("Newtown")
                    .setRegion("london")
                    .setGssCode("X1")
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "gss_code",
        "must be a GSS code");
  }

  @Test
  void duplicateCreateIsAlreadyExists() {
    c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    refused(
        () -> c.circuits.createCircuit(camden("LPSN-CAM-0001").build()),
        Status.Code.ALREADY_EXISTS,
        "id",
        "already exists");
    refused(
        () ->
            c.inventory.createCouncil(
                Council.newBuilder().setId("camden").setName("Camden").setRegion("london").build()),
        Status.Code.ALREADY_EXISTS,
        "id",
        "council 'camden' already exists");
  }

  @Test
  void staleRevisionIsRefusedAndCurrentOneAccepted() {
    Circuit created = c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    Circuit.Builder first = created.toBuilder();
    first.getSpecBuilder().setDescription("first edit");
    Circuit updated = c.circuits.updateCircuit(first.build());
    assertThat(updated.getMeta().getRevision()).isGreaterThan(created.getMeta().getRevision());
    assertThat(updated.getSpec().getGeneration()).isEqualTo(2);
    Circuit.Builder stale = created.toBuilder();
    stale.getSpecBuilder().setDescription("lost update");
    refused(
        () -> c.circuits.updateCircuit(stale.build()),
        Status.Code.FAILED_PRECONDITION,
        "meta.revision",
        "stale");
    assertThat(
            c.circuits
                .getCircuit(GetRequest.newBuilder().setId("LPSN-CAM-0001").build())
                .getSpec()
                .getDescription())
        .isEqualTo("first edit");
    refused(
        () ->
            c.circuits.deleteCircuit(
                DeleteRequest.newBuilder()
                    .setId("LPSN-CAM-0001")
                    .setExpectedRevision(created.getMeta().getRevision())
                    .build()),
        Status.Code.FAILED_PRECONDITION,
        "expected_revision",
        "stale");
  }

  @Test
  void updateOfMissingAndImmutableCouncilAreRefused() {
    refused(
        () -> c.circuits.updateCircuit(camden("LPSN-CAM-0404").build()),
        Status.Code.NOT_FOUND,
        "id",
        "does not exist");
    c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    Circuit.Builder moved = camden("LPSN-CAM-0001");
    moved.getSpecBuilder().setCouncil("islington");
    refused(
        () -> c.circuits.updateCircuit(moved.build()),
        Status.Code.INVALID_ARGUMENT,
        "spec.council",
        "is immutable");
  }

  @Test
  void batchWhoseLastItemIsBadWritesNothing() {
    ApplyRequest.Builder batch = ApplyRequest.newBuilder();
    for (int i = 1; i <= 10; i++) {
      batch.addResources(
          Resource.newBuilder().setCircuit(camden(String.format("LPSN-CAM-%04d", i))));
    }
    batch.addResources(Resource.newBuilder().setCircuit(withTag(camden("LPSN-CAM-0011"), 4095)));
    refused(
        () -> c.circuits.apply(batch.build()),
        Status.Code.INVALID_ARGUMENT,
        "resources[10].circuit.spec.a_end.c_tag",
        "within 1-4094");
    assertThat(c.circuits.listCircuits(ListCircuitsRequest.getDefaultInstance()).getCircuitsCount())
        .isZero();
  }

  @Test
  void batchWhoseLastItemClashesWithAnEarlierOneWritesNothing() {
    ApplyRequest.Builder batch = ApplyRequest.newBuilder();
    batch.addResources(Resource.newBuilder().setCircuit(withTag(camden("LPSN-CAM-0001"), 300)));
    batch.addResources(Resource.newBuilder().setCircuit(camden("LPSN-CAM-0002")));
    batch.addResources(Resource.newBuilder().setCircuit(withTag(camden("LPSN-CAM-0003"), 300)));
    refused(
        () -> c.circuits.apply(batch.build()),
        Status.Code.FAILED_PRECONDITION,
        "resources[2].circuit.spec.a_end.c_tag",
        "already used by circuit LPSN-CAM-0001");
    refused(
        () ->
            c.circuits.apply(
                ApplyRequest.newBuilder()
                    .addResources(Resource.newBuilder().setCircuit(camden("LPSN-CAM-0001")))
                    .addResources(Resource.newBuilder().setCircuit(camden("LPSN-CAM-0001")))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "resources[1].circuit",
        "appears more than once");
    assertThat(c.circuits.listCircuits(ListCircuitsRequest.getDefaultInstance()).getCircuitsCount())
        .isZero();
  }

  @Test
  void deleteOfReferencedObjectsIsRefused() {
    c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    refused(
        () -> c.inventory.deleteDevice(DeleteRequest.newBuilder().setId("rtr-camden-01").build()),
        Status.Code.FAILED_PRECONDITION,
        "",
        "still referred to by circuit LPSN-CAM-0001");
    refused(
        () -> c.inventory.deleteCouncil(DeleteRequest.newBuilder().setId("camden").build()),
        Status.Code.FAILED_PRECONDITION,
        "",
        "still referred to by");
    refused(
        () -> c.inventory.deleteSupplier(DeleteRequest.newBuilder().setId("nobody").build()),
        Status.Code.NOT_FOUND,
        "id",
        "supplier 'nobody' does not exist");
  }

  @Test
  void overlappingPoolAndRemovedPortInUseAreRefused() {
    VlanPool overlap =
        VlanPool.newBuilder()
            .setId("pool-camden-2")
            .setDevice("rtr-camden-01")
            .addPorts("ge-0/0/1")
            .addRanges(VlanRange.newBuilder().setFirst(3000).setLast(3100))
            .build();
    refused(
        () -> c.inventory.createVlanPool(overlap),
        Status.Code.FAILED_PRECONDITION,
        "ports",
        "already covers");
    VlanPool badRange =
        overlap.toBuilder()
            .setId("pool-x")
            .clearPorts()
            .clearRanges()
            .addRanges(VlanRange.newBuilder().setFirst(10).setLast(4095))
            .build();
    refused(
        () -> c.inventory.createVlanPool(badRange),
        Status.Code.INVALID_ARGUMENT,
        "ranges[0].last",
        "within 1-4094 (got 4095)");

    c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    var device = c.inventory.getDevice(GetRequest.newBuilder().setId("rtr-camden-01").build());
    var withoutPort = device.toBuilder().clearPorts();
    device.getPortsList().stream()
        .filter(p -> !p.getName().equals("ge-0/0/1"))
        .forEach(withoutPort::addPorts);
    refused(
        () -> c.inventory.updateDevice(withoutPort.build()),
        Status.Code.FAILED_PRECONDITION,
        "ports",
        "cannot be removed");
    var slower = device.toBuilder();
    for (int i = 0; i < slower.getPortsCount(); i++) {
      if (slower.getPorts(i).getName().equals("ge-0/0/1")) {
        slower.setPorts(i, slower.getPorts(i).toBuilder().setSpeedMbps(5));
      }
    }
    refused(
        () -> c.inventory.updateDevice(slower.build()),
        Status.Code.FAILED_PRECONDITION,
        "ports",
        "over its new speed");
    var mgmt = device.toBuilder();
    for (int i = 0; i < mgmt.getPortsCount(); i++) {
      if (mgmt.getPorts(i).getName().equals("ge-0/0/1")) {
        mgmt.setPorts(i, mgmt.getPorts(i).toBuilder().setRole(PortRole.PORT_ROLE_MANAGEMENT));
      }
    }
    refused(
        () -> c.inventory.updateDevice(mgmt.build()),
        Status.Code.FAILED_PRECONDITION,
        "ports",
        "cannot become a management port");
  }

  @Test
  void badPagingIsRefused() {
    refused(
        () -> c.circuits.listCircuits(ListCircuitsRequest.newBuilder().setPageSize(-1).build()),
        Status.Code.INVALID_ARGUMENT,
        "page_size",
        "must not be negative");
    refused(
        () ->
            c.circuits.listCircuits(
                ListCircuitsRequest.newBuilder().setPageToken("garbage!").build()),
        Status.Code.INVALID_ARGUMENT,
        "page_token",
        "not a token this server issued");
  }

  static Circuit withTag(Circuit.Builder b, int cTag) {
    b.getSpecBuilder().getAEndBuilder().setCTag(cTag);
    return b.build();
  }
}
