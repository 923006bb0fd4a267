package org.wayleave.cli;

import io.grpc.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.ListRequest;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;

/** The northbound calls and table columns of each kind, for get and delete. */
enum KindClient {
  COUNCIL("councils", List.of("ID", "NAME", "REGION", "GSS")),
  SUPPLIER("suppliers", List.of("ID", "NAME", "COUNCILS")),
  SITE("sites", List.of("ID", "COUNCIL", "KIND", "NAME")),
  DEVICE("devices", List.of("ID", "SITE", "MANAGEMENT", "PORTS")),
  VLAN_POOL("vlanpools", List.of("ID", "DEVICE", "PORTS", "RANGES")),
  CIRCUIT("circuits", List.of("ID", "COUNCIL", "SUPPLIER", "A-END", "MBIT/S", "PHASE"));

  final String plural;
  final List<String> columns;

  KindClient(String plural, List<String> columns) {
    this.plural = plural;
    this.columns = columns;
  }

  /** Accepts {@code circuit}, {@code circuits}, {@code vlanpool}, {@code pools}... */
  static KindClient parse(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    for (KindClient k : values()) {
      String singular = k.plural.substring(0, k.plural.length() - 1);
      if (n.equals(k.plural)
          || n.equals(singular)
          || (k == VLAN_POOL && (n.equals("pool") || n.equals("pools")))) {
        return k;
      }
    }
    List<String> valid = new ArrayList<>();
    for (KindClient k : values()) {
      valid.add(k.plural);
    }
    throw new IllegalArgumentException("KIND: unknown '" + name + "'; choose from " + valid);
  }

  private static InventoryServiceGrpc.InventoryServiceBlockingStub inv(Channel ch) {
    return InventoryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static CircuitServiceGrpc.CircuitServiceBlockingStub circ(Channel ch) {
    return CircuitServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  Resource get(Channel ch, String id) {
    GetRequest req = GetRequest.newBuilder().setId(id).build();
    return switch (this) {
      case COUNCIL -> Resource.newBuilder().setCouncil(inv(ch).getCouncil(req)).build();
      case SUPPLIER -> Resource.newBuilder().setSupplier(inv(ch).getSupplier(req)).build();
      case SITE -> Resource.newBuilder().setSite(inv(ch).getSite(req)).build();
      case DEVICE -> Resource.newBuilder().setDevice(inv(ch).getDevice(req)).build();
      case VLAN_POOL -> Resource.newBuilder().setVlanPool(inv(ch).getVlanPool(req)).build();
      case CIRCUIT -> Resource.newBuilder().setCircuit(circ(ch).getCircuit(req)).build();
    };
  }

  /** Every object of the kind, following pages. */
  List<Resource> list(Channel ch) {
    List<Resource> out = new ArrayList<>();
    String token = "";
    do {
      ListRequest req = ListRequest.newBuilder().setPageSize(1000).setPageToken(token).build();
      switch (this) {
        case COUNCIL -> {
          var r = inv(ch).listCouncils(req);
          r.getCouncilsList().forEach(x -> out.add(Resource.newBuilder().setCouncil(x).build()));
          token = r.getNextPageToken();
        }
        case SUPPLIER -> {
          var r = inv(ch).listSuppliers(req);
          r.getSuppliersList().forEach(x -> out.add(Resource.newBuilder().setSupplier(x).build()));
          token = r.getNextPageToken();
        }
        case SITE -> {
          var r = inv(ch).listSites(req);
          r.getSitesList().forEach(x -> out.add(Resource.newBuilder().setSite(x).build()));
          token = r.getNextPageToken();
        }
        case DEVICE -> {
          var r = inv(ch).listDevices(req);
          r.getDevicesList().forEach(x -> out.add(Resource.newBuilder().setDevice(x).build()));
          token = r.getNextPageToken();
        }
        case VLAN_POOL -> {
          var r = inv(ch).listVlanPools(req);
          r.getVlanPoolsList().forEach(x -> out.add(Resource.newBuilder().setVlanPool(x).build()));
          token = r.getNextPageToken();
        }
        case CIRCUIT -> {
          var r =
              circ(ch)
                  .listCircuits(
                      ListCircuitsRequest.newBuilder()
                          .setPageSize(1000)
                          .setPageToken(token)
                          .build());
          r.getCircuitsList().forEach(x -> out.add(Resource.newBuilder().setCircuit(x).build()));
          token = r.getNextPageToken();
        }
      }
    } while (!token.isEmpty());
    return out;
  }

  long delete(Channel ch, String id) {
    DeleteRequest req = DeleteRequest.newBuilder().setId(id).build();
    return switch (this) {
      case COUNCIL -> inv(ch).deleteCouncil(req).getRevision();
      case SUPPLIER -> inv(ch).deleteSupplier(req).getRevision();
      case SITE -> inv(ch).deleteSite(req).getRevision();
      case DEVICE -> inv(ch).deleteDevice(req).getRevision();
      case VLAN_POOL -> inv(ch).deleteVlanPool(req).getRevision();
      case CIRCUIT -> circ(ch).deleteCircuit(req).getRevision();
    };
  }

  /** One table row. */
  List<String> row(Resource r) {
    return switch (this) {
      case COUNCIL -> {
        Council c = r.getCouncil();
        yield List.of(c.getId(), c.getName(), c.getRegion(), c.getGssCode());
      }
      case SUPPLIER -> {
        Supplier s = r.getSupplier();
        yield List.of(s.getId(), s.getName(), Integer.toString(s.getCouncilsCount()));
      }
      case SITE -> {
        Site s = r.getSite();
        yield List.of(
            s.getId(), s.getCouncil(), enumName(s.getKind().name(), "SITE_KIND_"), s.getName());
      }
      case DEVICE -> {
        Device d = r.getDevice();
        yield List.of(
            d.getId(),
            d.getSite(),
            d.getManagementAddress(),
            String.join(",", d.getPortsList().stream().map(Port::getName).toList()));
      }
      case VLAN_POOL -> {
        VlanPool p = r.getVlanPool();
        yield List.of(
            p.getId(),
            p.getDevice(),
            p.getPortsCount() == 0 ? "(all)" : String.join(",", p.getPortsList()),
            String.join(
                ",",
                p.getRangesList().stream().map(x -> x.getFirst() + "-" + x.getLast()).toList()));
      }
      case CIRCUIT -> {
        Circuit c = r.getCircuit();
        yield List.of(
            c.getId(),
            c.getSpec().getCouncil(),
            c.getSpec().getSupplier(),
            end(c.getSpec().getAEnd()),
            Long.toString(c.getSpec().getCommittedMbps()),
            enumName(c.getStatus().getPhase().name(), "CIRCUIT_PHASE_"));
      }
    };
  }

  static String end(Termination t) {
    return t.getDevice()
        + " "
        + t.getPort()
        + "."
        + (t.hasSTag() ? t.getSTag() + "." : "")
        + (t.hasCTag() ? t.getCTag() : "?");
  }

  static String enumName(String name, String prefix) {
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }

  /** Renders rows as aligned columns. */
  static String table(List<String> header, List<List<String>> rows, Function<String, String> cell) {
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        String v = cell.apply(r.get(i));
        out.append(i == r.size() - 1 ? v : String.format("%-" + (width[i] + 2) + "s", v));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
