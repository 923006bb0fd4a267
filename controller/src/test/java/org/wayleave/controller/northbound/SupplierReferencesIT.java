package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.OptionsProto;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceKind;
import org.wayleave.api.v1.ResourceRef;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.WatchRequest;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Identity.Role;
import org.wayleave.controller.Controller;
import org.wayleave.controller.core.DeviceConfigs;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;

/**
 * References inside a supplier's own requests. Every field the contract marks {@code refers_to}, in
 * every message a supplier may send (found from the descriptors, so a new reference field is probed
 * without anyone remembering to), is filled with another council's object and with a missing one:
 * the answers must be the same in code, message and details, and nothing may be written. Then a
 * bounded run of random supplier writes must leave every router outside the supplier's councils
 * with exactly the desired configuration it had.
 */
class SupplierReferencesIT {
  static final String A = "quillon-carrier";
  static final String B = "fernhollow-fibre";

  /**
   * The councils the policy lets A act for: fewer than its Supplier record lists (barnet is on the
   * record, not here).
   */
  static final List<String> A_COUNCILS = List.of("camden", "islington", "hackney");

  static final String A_CIRCUIT = "QUILLON-CARRIER-0001";
  static final String A_DELETABLE = "QUILLON-CARRIER-0002";
  static final String A_HIDDEN =
      "QUILLON-CARRIER-0003"; // A's, but in barnet, which the policy keeps from it
  static final String B_CIRCUIT = "FERNHOLLOW-FIBRE-0001";

  @TempDir static Path dir;
  static SecureController fixture;
  static Controller controller;

  /**
   * For each kind a field may refer to: objects A may not see (B's council, and one only A's record
   * lists), then a missing one.
   */
  static final Map<String, List<String>> FOREIGN = new LinkedHashMap<>();

  static final Map<String, String> MISSING = new LinkedHashMap<>();
  static final Map<String, String> OWN = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    AccessPolicy policy =
        AccessPolicy.parse(
            "rateLimits: {supplier: 0}\nsuppliers: {" + A + ": " + A_COUNCILS + "}\n",
            "test policy");
    fixture = SecureController.start(dir, policy, List.of(new Identity(Role.SUPPLIER, A)));
    controller = fixture.controller();
    controller
        .state()
        .apply(
            List.of(
                Op.write(
                    Op.Mode.CREATE,
                    Kind.CIRCUIT,
                    circuit(A_CIRCUIT, "camden", A, "rtr-camden-01", null).build(),
                    ""),
                Op.write(
                    Op.Mode.CREATE,
                    Kind.CIRCUIT,
                    circuit(A_DELETABLE, "islington", A, "rtr-islington-01", null).build(),
                    ""),
                Op.write(
                    Op.Mode.CREATE,
                    Kind.CIRCUIT,
                    circuit(A_HIDDEN, "barnet", A, "rtr-barnet-01", null).build(),
                    ""),
                Op.write(
                    Op.Mode.CREATE,
                    Kind.CIRCUIT,
                    circuit(B_CIRCUIT, "bromley", B, "rtr-bromley-01", null).build(),
                    "")),
            "test",
            "circuits of two suppliers");
    FOREIGN.put("council", List.of("bromley", "barnet"));
    MISSING.put("council", "atlantis");
    OWN.put("council", "islington");
    FOREIGN.put("supplier", List.of(B));
    MISSING.put("supplier", "no-such-carrier");
    OWN.put("supplier", A);
    FOREIGN.put("site", List.of(siteOf("bromley"), siteOf("barnet")));
    MISSING.put("site", "no-such-site");
    OWN.put("site", siteOf("islington"));
    FOREIGN.put("device", List.of("rtr-bromley-01", "rtr-barnet-01"));
    MISSING.put("device", "rtr-atlantis-01");
    OWN.put("device", "rtr-islington-01");
    FOREIGN.put("vlan_pool", List.of(poolOf("rtr-bromley-01"), poolOf("rtr-barnet-01")));
    MISSING.put("vlan_pool", "no-such-pool");
    OWN.put("vlan_pool", poolOf("rtr-islington-01"));
    FOREIGN.put("circuit", List.of(B_CIRCUIT, A_HIDDEN));
    MISSING.put("circuit", "NO-SUCH-CIRCUIT-0001");
    OWN.put("circuit", A_DELETABLE);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static String siteOf(String council) {
    return controller.state().cache().list(Kind.SITE).stream()
        .filter(s -> s.getCouncil().equals(council))
        .findFirst()
        .orElseThrow()
        .getId();
  }

  static String poolOf(String device) {
    return controller.state().cache().list(Kind.VLAN_POOL).stream()
        .filter(p -> p.getDevice().equals(device))
        .findFirst()
        .orElseThrow()
        .getId();
  }

  static Circuit.Builder circuit(
      String id, String council, String supplier, String aDevice, String bDevice) {
    CircuitSpec.Builder spec =
        CircuitSpec.newBuilder()
            .setCouncil(council)
            .setSupplier(supplier)
            .setKind(
                bDevice == null
                    ? CircuitKind.CIRCUIT_KIND_PSN_ACCESS
                    : CircuitKind.CIRCUIT_KIND_SHARED_SERVICE)
            .setAEnd(Termination.newBuilder().setDevice(aDevice).setPort("ge-0/0/1"))
            .setCommittedMbps(10)
            .setAdminState(AdminState.ADMIN_STATE_ENABLED);
    if (bDevice != null) {
      spec.setBEnd(Termination.newBuilder().setDevice(bDevice).setPort("ge-0/0/2"));
    }
    return Circuit.newBuilder().setId(id).setSpec(spec);
  }

  // ------------------------------------------------------------------ the reference fields, from
  // the descriptors

  /** A field that names another object, reached from a request through {@code path}. */
  record Ref(List<FieldDescriptor> path, String refersTo) {
    FieldDescriptor leaf() {
      return path.get(path.size() - 1);
    }

    @Override
    public String toString() {
      return String.join(".", path.stream().map(FieldDescriptor::getName).toList())
          + " ("
          + refersTo
          + ")";
    }
  }

  static List<Ref> refs(Descriptor d) {
    List<Ref> out = new ArrayList<>();
    collect(d, new ArrayList<>(), out);
    return out;
  }

  private static void collect(Descriptor d, List<FieldDescriptor> prefix, List<Ref> out) {
    for (FieldDescriptor f : d.getFields()) {
      List<FieldDescriptor> path = new ArrayList<>(prefix);
      path.add(f);
      String refersTo = f.getOptions().getExtension(OptionsProto.refersTo);
      if (!refersTo.isEmpty()) {
        out.add(new Ref(List.copyOf(path), refersTo));
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && f.getMessageType().getFile().getPackage().equals("wayleave.v1")
          && prefix.size() < 6) {
        collect(f.getMessageType(), path, out);
      }
    }
  }

  /**
   * {@code base} with the field at {@code ref} set to {@code value} (and, for a port, its device to
   * {@code device}).
   */
  static Message with(Message base, Ref ref, String value, String device) {
    Message.Builder root = base.toBuilder();
    Message.Builder b = root;
    for (FieldDescriptor f : ref.path().subList(0, ref.path().size() - 1)) {
      if (f.isRepeated()) {
        if (b.getRepeatedFieldCount(f) == 0) {
          b.addRepeatedField(f, b.newBuilderForField(f).build());
        }
        b = b.getRepeatedFieldBuilder(f, 0);
      } else {
        b = b.getFieldBuilder(f);
      }
    }
    FieldDescriptor leaf = ref.leaf();
    if (leaf.isRepeated()) {
      b.clearField(leaf).addRepeatedField(leaf, value);
    } else {
      b.setField(leaf, value);
    }
    Descriptor owner = leaf.getContainingType();
    if (ref.refersTo().equals("port")) {
      b.setField(owner.findFieldByName("device"), device);
    } else if (ref.refersTo().equals("kind")) {
      b.setField(
          owner.findFieldByName("kind"), ResourceKind.RESOURCE_KIND_CIRCUIT.getValueDescriptor());
    }
    return root.build();
  }

  /** What A sends each method as a request that A may make, before one reference is changed. */
  static Message base(MethodDescriptor<?, ?> md) {
    Circuit created =
        circuit("QUILLON-CARRIER-0100", "camden", A, "rtr-camden-01", "rtr-islington-01").build();
    Circuit updated = circuit(A_CIRCUIT, "camden", A, "rtr-camden-01", "rtr-islington-01").build();
    ApplyRequest batch =
        ApplyRequest.newBuilder()
            .addResources(Resource.newBuilder().setCircuit(created))
            .addDeletes(
                ResourceRef.newBuilder()
                    .setKind(ResourceKind.RESOURCE_KIND_CIRCUIT)
                    .setId(A_DELETABLE))
            .build();
    return switch (md.getBareMethodName()) {
      case "CreateCircuit" -> created;
      case "UpdateCircuit" -> updated;
      case "Plan", "Apply" -> batch;
      case "Watch" -> WatchRequest.newBuilder().setFromRevision(1).build();
      default -> SecurityIT.prototype(md);
    };
  }

  // ------------------------------------------------------------------ answers

  /**
   * A status's details as text (decoded, so the same facts about ids of other lengths read alike).
   */
  static String detailsText(com.google.rpc.Status details) {
    try {
      return JsonFormat.printer()
          .usingTypeRegistry(
              TypeRegistry.newBuilder()
                  .add(
                      List.of(
                          ErrorInfo.getDescriptor(),
                          BadRequest.getDescriptor(),
                          PreconditionFailure.getDescriptor(),
                          ResourceInfo.getDescriptor(),
                          RetryInfo.getDescriptor()))
                  .build())
          .print(details);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  static String answer(
      ManagedChannel ch, MethodDescriptor<?, ?> md, Message req, Map<String, String> replace) {
    MethodDescriptor<Message, Message> m = (MethodDescriptor<Message, Message>) md;
    String text;
    try {
      if (md.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
        List<Message> got = new ArrayList<>();
        Iterator<Message> it =
            ClientCalls.blockingServerStreamingCall(
                ch, m, CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.SECONDS), req);
        try {
          it.forEachRemaining(got::add);
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
            throw e;
          }
        }
        text = "OK " + got;
      } else {
        text =
            "OK "
                + ClientCalls.blockingUnaryCall(
                    ch, m, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), req);
      }
    } catch (StatusRuntimeException e) {
      com.google.rpc.Status details = StatusProto.fromThrowable(e);
      text =
          e.getStatus().getCode()
              + " "
              + e.getStatus().getDescription()
              + " "
              + (details == null ? "" : detailsText(details));
    }
    text = text.replaceAll("revision: \\d+", "revision: N");
    for (Map.Entry<String, String> r : replace.entrySet()) {
      text = text.replace(r.getKey(), r.getValue());
    }
    return text;
  }

  static String lastAuditedBy(String principal) {
    return controller.store().audit(Kind.ROOT, 0, 1000).stream()
        .filter(r -> r.principal().equals(principal))
        .map(r -> r.revision() + " " + r.action())
        .findFirst()
        .orElse("none");
  }

  /** One probe: the answers about each foreign object and about the missing one. */
  record Answers(String missing, List<String> foreign, String own) {}

  static Answers probe(ManagedChannel ch, MethodDescriptor<?, ?> md, Message base, Ref ref) {
    boolean port = ref.refersTo().equals("port");
    String kind = port ? "device" : ref.refersTo().equals("kind") ? "circuit" : ref.refersTo();
    String existingPort = "ge-0/0/3";
    String missingPort = "xe-9/9/9";
    List<String> foreign = new ArrayList<>();
    String missing;
    String own;
    if (port) {
      // A port of another council's router, a missing port on it, and a port on a missing router.
      for (String device : FOREIGN.get("device")) {
        foreign.add(
            answer(
                ch,
                md,
                with(base, ref, existingPort, device),
                Map.of(device, "<DEVICE>", existingPort, "<PORT>")));
        foreign.add(
            answer(
                ch,
                md,
                with(base, ref, missingPort, device),
                Map.of(device, "<DEVICE>", missingPort, "<PORT>")));
      }
      missing =
          answer(
              ch,
              md,
              with(base, ref, existingPort, MISSING.get("device")),
              Map.of(MISSING.get("device"), "<DEVICE>", existingPort, "<PORT>"));
      own =
          planned(
              ch,
              md,
              with(base, ref, missingPort, OWN.get("device")),
              Map.of(OWN.get("device"), "<DEVICE>", missingPort, "<PORT>"));
    } else {
      for (String value : FOREIGN.get(kind)) {
        foreign.add(answer(ch, md, with(base, ref, value, null), Map.of(value, "<REF>")));
      }
      missing =
          answer(
              ch, md, with(base, ref, MISSING.get(kind), null), Map.of(MISSING.get(kind), "<REF>"));
      own = planned(ch, md, with(base, ref, OWN.get(kind), null), Map.of(OWN.get(kind), "<REF>"));
    }
    return new Answers(missing, foreign, own);
  }

  /** The answer for a request naming A's own object, as a dry run where the method would write. */
  static String planned(
      ManagedChannel ch, MethodDescriptor<?, ?> md, Message req, Map<String, String> replace) {
    ApplyRequest dry =
        switch (md.getBareMethodName()) {
          case "CreateCircuit", "UpdateCircuit" ->
              ApplyRequest.newBuilder()
                  .addResources(Resource.newBuilder().setCircuit((Circuit) req))
                  .build();
          case "Apply" -> (ApplyRequest) req;
          default -> null;
        };
    if (dry != null) {
      return answer(ch, CircuitServiceGrpc.getPlanMethod(), dry, replace);
    }
    if (md.getBareMethodName().startsWith("Create")
        || md.getBareMethodName().startsWith("Update")
        || md.getBareMethodName().startsWith("Delete")
        || md.getBareMethodName().equals("Rollback")) {
      return "not sent (a write)";
    }
    return answer(ch, md, req, replace);
  }

  @Test
  void everyReferenceInASuppliersRequestsAnswersForAnotherCouncilsObjectAsForAMissingOne()
      throws Exception {
    ManagedChannel a = fixture.northbound(new Identity(Role.SUPPLIER, A));
    Map<String, String> probed = new TreeMap<>();
    int reached = 0;
    try {
      for (MethodDescriptor<?, ?> md : RawCalls.northboundMethods()) {
        Message base = base(md);
        for (Ref ref : refs(base.getDescriptorForType())) {
          String where = md.getBareMethodName() + " " + ref;
          String auditBefore = lastAuditedBy("supplier:" + A);
          Answers answers = probe(a, md, base, ref);
          for (String foreign : answers.foreign()) {
            assertThat(foreign)
                .as("%s: a foreign object answers as a missing one", where)
                .isEqualTo(answers.missing());
          }
          assertThat(lastAuditedBy("supplier:" + A))
              .as("%s: nothing written", where)
              .isEqualTo(auditBefore);
          // The probe bites: the same field naming A's own object gets another answer, unless the
          // request is refused before any reference is read (a kind suppliers may not write at
          // all).
          if (!answers.missing().contains("a supplier may write circuits only")
              && !answers.own().startsWith("not sent")) {
            assertThat(answers.own())
                .as("%s: naming A's own object differs", where)
                .isNotEqualTo(answers.missing());
            reached++;
          }
          probed.put(where, answers.missing());
        }
      }
    } finally {
      a.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    // The references the issue names are among those found, and the contract has not lost its
    // marks.
    assertThat(probed.keySet())
        .contains(
            "CreateCircuit spec.b_end.device (device)",
            "CreateCircuit spec.b_end.port (port)",
            "CreateCircuit spec.a_end.device (device)",
            "UpdateCircuit spec.a_end.device (device)",
            "Apply resources.circuit.spec.b_end.device (device)",
            "Plan resources.circuit.spec.council (council)",
            "Apply deletes.id (kind)",
            "ListCircuits device (device)",
            "GetLinkState scope.device (device)",
            "Apply resources.vlan_pool.device (device)",
            "Watch council (council)");
    assertThat(reached).as("probes that reached the reference").isGreaterThan(20);
    System.out.printf(
        "SupplierReferencesIT: %d reference probes, %d of them reaching the reference%n",
        probed.size(), reached);
  }

  // ------------------------------------------------------------------ no router outside A's
  // councils changes

  static Map<String, DeviceConfig> outsideDesired(Set<String> inside) {
    Map<String, DeviceConfig> out = new TreeMap<>();
    var cache = controller.state().cache();
    cache.readLock().lock();
    try {
      for (Device d : cache.unlocked().all(Kind.DEVICE)) {
        Site site = cache.unlocked().get(Kind.SITE, d.getSite());
        if (site != null && !inside.contains(site.getCouncil())) {
          out.put(d.getId(), DeviceConfigs.desired(cache.unlocked(), d.getId()));
        }
      }
    } finally {
      cache.readLock().unlock();
    }
    return out;
  }

  @Test
  void noWriteBySupplierChangesARouterOutsideItsCouncils() throws Exception {
    Set<String> inside = Set.copyOf(A_COUNCILS);
    Map<String, DeviceConfig> before = outsideDesired(inside);
    List<String> devices =
        controller.state().cache().list(Kind.DEVICE).stream().map(Device::getId).sorted().toList();
    List<String> foreignCouncils = List.of("barnet", "bromley", "atlantis");
    List<String> ports = List.of("ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "fxp0", "xe-9/9/9");
    Random random = new Random(20261207);
    ManagedChannel a = fixture.northbound(new Identity(Role.SUPPLIER, A));
    var stub = CircuitServiceGrpc.newBlockingStub(a);
    List<String> mine = new ArrayList<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    Function<String, Termination> end =
        device -> {
          Termination.Builder t =
              Termination.newBuilder()
                  .setDevice(device)
                  .setPort(
                      ports.get(
                          random.nextInt(10) < 9 ? random.nextInt(3) : 3 + random.nextInt(2)));
          if (random.nextBoolean()) {
            t.setCTag(100 + random.nextInt(900));
          }
          return t.build();
        };
    Function<Double, String> anyDevice =
        pInside ->
            random.nextDouble() < pInside
                ? "rtr-" + A_COUNCILS.get(random.nextInt(A_COUNCILS.size())) + "-01"
                : devices.get(random.nextInt(devices.size()));
    try {
      for (int i = 0; i < 150; i++) {
        // Mostly what A may do, often with one end or the council somewhere it may not reach.
        String council =
            random.nextDouble() < 0.8
                ? A_COUNCILS.get(random.nextInt(A_COUNCILS.size()))
                : foreignCouncils.get(random.nextInt(foreignCouncils.size()));
        String aDevice =
            random.nextDouble() < 0.7 ? "rtr-" + council + "-01" : anyDevice.apply(0.0);
        double b = random.nextDouble();
        String bDevice = b < 0.4 ? null : anyDevice.apply(b < 0.7 ? 1.0 : 0.0);
        String id =
            mine.isEmpty() || random.nextBoolean()
                ? String.format("QUILLON-CARRIER-R%03d", i)
                : mine.get(random.nextInt(mine.size()));
        Circuit.Builder c = circuit(id, council, A, aDevice, null);
        c.getSpecBuilder().setAEnd(end.apply(aDevice));
        if (bDevice != null) {
          c.getSpecBuilder()
              .setKind(CircuitKind.CIRCUIT_KIND_SHARED_SERVICE)
              .setBEnd(end.apply(bDevice));
        }
        int roll = random.nextInt(20);
        String op =
            roll < 7
                ? "create"
                : roll < 12
                    ? "apply"
                    : roll < 16 ? "update" : roll < 18 ? "delete" : "delete-foreign";
        try {
          switch (op) {
            case "create" -> stub.createCircuit(c.build());
            case "update" -> stub.updateCircuit(c.build());
            case "apply" ->
                stub.apply(
                    ApplyRequest.newBuilder()
                        .addResources(Resource.newBuilder().setCircuit(c))
                        .build());
            case "delete" -> stub.deleteCircuit(DeleteRequest.newBuilder().setId(id).build());
            default ->
                stub.deleteCircuit(
                    DeleteRequest.newBuilder()
                        .setId(random.nextBoolean() ? B_CIRCUIT : A_HIDDEN)
                        .build());
          }
          outcomes.merge(op + " OK", 1, Integer::sum);
          if (op.equals("delete")) {
            mine.remove(id);
          } else if (!mine.contains(id)) {
            mine.add(id);
          }
        } catch (StatusRuntimeException e) {
          outcomes.merge(op + " " + e.getStatus().getCode(), 1, Integer::sum);
        }
        assertThat(outsideDesired(inside))
            .as("after write %d (%s of %s)", i, op, c.build())
            .isEqualTo(before);
      }
    } finally {
      a.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    // The run did write (it is no test of refusals alone) and was refused too.
    System.out.printf("SupplierReferencesIT: random supplier writes %s%n", outcomes);
    int accepted =
        outcomes.entrySet().stream()
            .filter(e -> e.getKey().endsWith(" OK"))
            .mapToInt(Map.Entry::getValue)
            .sum();
    assertThat(accepted).as("accepted writes in %s", outcomes).isGreaterThanOrEqualTo(15);
    assertThat(150 - accepted).as("refused writes in %s", outcomes).isGreaterThanOrEqualTo(15);
    for (String id : mine) {
      Circuit c = controller.state().cache().get(Kind.CIRCUIT, id);
      if (c != null) {
        for (Termination t : List.of(c.getSpec().getAEnd(), c.getSpec().getBEnd())) {
          if (!t.getDevice().isEmpty()) {
            assertThat(t.getDevice())
                .as("an end of %s", id)
                .isIn(A_COUNCILS.stream().map(x -> "rtr-" + x + "-01").toList());
          }
        }
      }
    }
    assertThat(controller.state().cache().get(Kind.CIRCUIT, B_CIRCUIT)).isNotNull();
    assertThat(controller.state().cache().get(Kind.CIRCUIT, A_HIDDEN)).isNotNull();
  }
}
