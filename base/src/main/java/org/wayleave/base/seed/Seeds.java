package org.wayleave.base.seed;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.PortRole;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.SiteKind;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.api.v1.VlanRange;

/**
 * Seed inventories for demos and tests, as plain protobuf objects.
 *
 * <p>Two regions are provided: {@code london} (the 33 London local authorities, 32 boroughs plus
 * the City of London, with their ONS GSS codes E09000001..E09000033) and {@code eastern} (the five
 * eastern county councils). Each council gets two sites (a civic centre and one more), one edge
 * router on the civic centre and one VLAN pool on that router. Suppliers are fictional.
 *
 * <p>Every device has its own loopback management address ({@code 127.1.0.x} for london, {@code
 * 127.2.0.x} for eastern, {@code 127.16.x.y} for scale) and answers SNMP on port {@value
 * #SNMP_PORT}: the simulator runs on loopback. Region routers speak SNMP v3 authPriv (SHA-256,
 * AES-128) with secrets {@code snmp/<device>/auth} and {@code snmp/<device>/priv}; scale routers
 * speak v2c (with {@code allow_v2c} set, as v2c must be allowed per device). The lists are
 * immutable and built once; protobuf messages are immutable too, so callers may share them freely.
 * Bookkeeping ({@code ObjectMeta}), {@code spec.generation} and circuit status are left unset, as a
 * client would send them.
 */
public final class Seeds {

  /** Names accepted by {@link #byName}. */
  public static final List<String> NAMES = List.of("london", "eastern");

  /** Port every example PSN access circuit lands on. */
  static final String ACCESS_PORT = "ge-0/0/1";

  /** Port the Brent–Lewisham shared-service circuit lands on, at both ends. */
  static final String SHARED_SERVICE_PORT = "ge-0/0/2";

  private Seeds() {}

  // ---------------------------------------------------------------------------------------------
  // Source data
  // ---------------------------------------------------------------------------------------------

  /**
   * One council and the facts about its premises.
   *
   * @param id council slug
   * @param name official name
   * @param gss ONS GSS code
   * @param code three-letter upper-case code used in circuit ids, unique within the region
   * @param civicName name of the civic centre site
   * @param civicAddress address of the civic centre site
   * @param otherKind kind of the second site
   * @param otherName name of the second site
   * @param otherAddress address (area and postcode district) of the second site
   */
  private record CouncilRow(
      String id,
      String name,
      String gss,
      String code,
      String civicName,
      String civicAddress,
      SiteKind otherKind,
      String otherName,
      String otherAddress) {}

  /** A fictional supplier and the councils it is contracted to serve. */
  private record SupplierRow(String id, String name, List<String> councils) {}

  /** Everything a region is made of. */
  private record Region(
      String name,
      String circuitPrefix,
      String model,
      List<CouncilRow> councils,
      List<SupplierRow> suppliers,
      int loopbackBlock) {}

  private static final SiteKind LIB = SiteKind.SITE_KIND_LIBRARY;
  private static final SiteKind SCH = SiteKind.SITE_KIND_SCHOOL;
  private static final SiteKind DC = SiteKind.SITE_KIND_DATA_CENTRE;

  private static CouncilRow c(
      String id,
      String name,
      String gss,
      String code,
      String civicName,
      String civicAddress,
      SiteKind otherKind,
      String otherName,
      String otherAddress) {
    return new CouncilRow(
        id, name, gss, code, civicName, civicAddress, otherKind, otherName, otherAddress);
  }

  /** The 33 London local authorities, in GSS code order. */
  private static final List<CouncilRow> LONDON_COUNCILS =
      List.of(
          c(
              "city-of-london",
              "City of London Corporation",
              "E09000001",
              "COL",
              "Guildhall",
              "Guildhall, Gresham Street, London EC2V 7HH",
              LIB,
              "Barbican Library",
              "Barbican, London EC2Y"),
          c(
              "barking-and-dagenham",
              "London Borough of Barking and Dagenham",
              "E09000002",
              "BDG",
              "Barking Town Hall",
              "Town Hall, 1 Town Square, Barking IG11 7LU",
              SCH,
              "Dagenham Schools Network Hub",
              "Dagenham RM10"),
          c(
              "barnet",
              "London Borough of Barnet",
              "E09000003",
              "BAR",
              "Barnet Council Offices",
              "2 Bristol Avenue, Colindale, London NW9 4EW",
              DC,
              "Barnet Data Centre",
              "Edgware HA8"),
          c(
              "bexley",
              "London Borough of Bexley",
              "E09000004",
              "BEX",
              "Bexley Civic Offices",
              "Civic Offices, 2 Watling Street, Bexleyheath DA6 7AT",
              LIB,
              "Sidcup Library",
              "Sidcup DA14"),
          c(
              "brent",
              "London Borough of Brent",
              "E09000005",
              "BRE",
              "Brent Civic Centre",
              "Brent Civic Centre, 32 Engineers Way, Wembley HA9 0FJ",
              DC,
              "Brent Data Centre",
              "Park Royal, London NW10"),
          c(
              "bromley",
              "London Borough of Bromley",
              "E09000006",
              "BRO",
              "Bromley Civic Centre",
              "Civic Centre, Stockwell Close, Bromley BR1 3UH",
              LIB,
              "Orpington Library",
              "Orpington BR6"),
          c(
              "camden",
              "London Borough of Camden",
              "E09000007",
              "CAM",
              "5 Pancras Square",
              "5 Pancras Square, London N1C 4AG",
              LIB,
              "Kentish Town Library",
              "Kentish Town, London NW5"),
          c(
              "croydon",
              "London Borough of Croydon",
              "E09000008",
              "CRO",
              "Bernard Weatherill House",
              "Bernard Weatherill House, 8 Mint Walk, Croydon CR0 1EA",
              DC,
              "Croydon Data Centre",
              "Purley Way, Croydon CR0"),
          c(
              "ealing",
              "London Borough of Ealing",
              "E09000009",
              "EAL",
              "Perceval House",
              "Perceval House, 14-16 Uxbridge Road, London W5 2HL",
              SCH,
              "Acton Schools Network Hub",
              "Acton, London W3"),
          c(
              "enfield",
              "London Borough of Enfield",
              "E09000010",
              "ENF",
              "Enfield Civic Centre",
              "Civic Centre, Silver Street, Enfield EN1 3XA",
              LIB,
              "Edmonton Green Library",
              "Edmonton, London N9"),
          c(
              "greenwich",
              "Royal Borough of Greenwich",
              "E09000011",
              "GRE",
              "The Woolwich Centre",
              "The Woolwich Centre, 35 Wellington Street, London SE18 6HQ",
              LIB,
              "Eltham Library",
              "Eltham, London SE9"),
          c(
              "hackney",
              "London Borough of Hackney",
              "E09000012",
              "HAC",
              "Hackney Town Hall",
              "Hackney Town Hall, Mare Street, London E8 1EA",
              SCH,
              "Hackney Education Centre",
              "Dalston, London E8"),
          c(
              "hammersmith-and-fulham",
              "London Borough of Hammersmith and Fulham",
              "E09000013",
              "HAF",
              "Hammersmith Town Hall",
              "Hammersmith Town Hall, King Street, London W6 9JU",
              LIB,
              "Fulham Library",
              "Fulham, London SW6"),
          c(
              "haringey",
              "London Borough of Haringey",
              "E09000014",
              "HGY",
              "Haringey Civic Centre",
              "Civic Centre, High Road, Wood Green, London N22 8LE",
              LIB,
              "Tottenham Library",
              "Tottenham, London N15"),
          c(
              "harrow",
              "London Borough of Harrow",
              "E09000015",
              "HRW",
              "Harrow Civic Centre",
              "Civic Centre, Station Road, Harrow HA1 2XY",
              SCH,
              "Harrow Schools Network Hub",
              "Wealdstone HA3"),
          c(
              "havering",
              "London Borough of Havering",
              "E09000016",
              "HAV",
              "Havering Town Hall",
              "Town Hall, Main Road, Romford RM1 3BD",
              LIB,
              "Hornchurch Library",
              "Hornchurch RM12"),
          c(
              "hillingdon",
              "London Borough of Hillingdon",
              "E09000017",
              "HIL",
              "Hillingdon Civic Centre",
              "Civic Centre, High Street, Uxbridge UB8 1UW",
              DC,
              "Hillingdon Data Centre",
              "Hayes UB3"),
          c(
              "hounslow",
              "London Borough of Hounslow",
              "E09000018",
              "HOU",
              "Hounslow House",
              "Hounslow House, 7 Bath Road, Hounslow TW3 3EB",
              LIB,
              "Chiswick Library",
              "Chiswick, London W4"),
          c(
              "islington",
              "London Borough of Islington",
              "E09000019",
              "ISL",
              "Islington Town Hall",
              "Town Hall, Upper Street, London N1 2UD",
              LIB,
              "Islington Central Library",
              "Highbury, London N5"),
          c(
              "kensington-and-chelsea",
              "Royal Borough of Kensington and Chelsea",
              "E09000020",
              "KAC",
              "Kensington Town Hall",
              "Town Hall, Hornton Street, London W8 7NX",
              LIB,
              "Chelsea Library",
              "Chelsea, London SW3"),
          c(
              "kingston-upon-thames",
              "Royal Borough of Kingston upon Thames",
              "E09000021",
              "KUT",
              "Kingston Guildhall",
              "Guildhall, High Street, Kingston upon Thames KT1 1EU",
              SCH,
              "Kingston Schools Network Hub",
              "Surbiton KT6"),
          c(
              "lambeth",
              "London Borough of Lambeth",
              "E09000022",
              "LAM",
              "Lambeth Town Hall",
              "Lambeth Town Hall, Brixton Hill, London SW2 1RW",
              LIB,
              "Brixton Library",
              "Brixton, London SW2"),
          c(
              "lewisham",
              "London Borough of Lewisham",
              "E09000023",
              "LEW",
              "Laurence House",
              "Laurence House, 1 Catford Road, London SE6 4RU",
              DC,
              "Lewisham Data Centre",
              "Deptford, London SE8"),
          c(
              "merton",
              "London Borough of Merton",
              "E09000024",
              "MRT",
              "Merton Civic Centre",
              "Civic Centre, London Road, Morden SM4 5DX",
              LIB,
              "Wimbledon Library",
              "Wimbledon, London SW19"),
          c(
              "newham",
              "London Borough of Newham",
              "E09000025",
              "NWM",
              "Newham Dockside",
              "Newham Dockside, 1000 Dockside Road, London E16 2QU",
              LIB,
              "Stratford Library",
              "Stratford, London E15"),
          c(
              "redbridge",
              "London Borough of Redbridge",
              "E09000026",
              "RED",
              "Redbridge Town Hall",
              "Town Hall, 128-142 High Road, Ilford IG1 1DD",
              SCH,
              "Redbridge Schools Network Hub",
              "Woodford Green IG8"),
          c(
              "richmond-upon-thames",
              "London Borough of Richmond upon Thames",
              "E09000027",
              "RUT",
              "Richmond Civic Centre",
              "Civic Centre, 44 York Street, Twickenham TW1 3BZ",
              LIB,
              "Richmond Lending Library",
              "Richmond TW9"),
          c(
              "southwark",
              "London Borough of Southwark",
              "E09000028",
              "SWK",
              "160 Tooley Street",
              "160 Tooley Street, London SE1 2QH",
              DC,
              "Southwark Data Centre",
              "Bermondsey, London SE16"),
          c(
              "sutton",
              "London Borough of Sutton",
              "E09000029",
              "SUT",
              "Sutton Civic Offices",
              "Civic Offices, St Nicholas Way, Sutton SM1 1EA",
              SCH,
              "Sutton Schools Network Hub",
              "Carshalton SM5"),
          c(
              "tower-hamlets",
              "London Borough of Tower Hamlets",
              "E09000030",
              "TWH",
              "Tower Hamlets Town Hall",
              "Town Hall, 160 Whitechapel Road, London E1 1BJ",
              LIB,
              "Idea Store Whitechapel",
              "Whitechapel, London E1"),
          c(
              "waltham-forest",
              "London Borough of Waltham Forest",
              "E09000031",
              "WFO",
              "Waltham Forest Town Hall",
              "Town Hall, Forest Road, Walthamstow, London E17 4JF",
              LIB,
              "Leytonstone Library",
              "Leytonstone, London E11"),
          c(
              "wandsworth",
              "London Borough of Wandsworth",
              "E09000032",
              "WND",
              "Wandsworth Town Hall",
              "Town Hall, Wandsworth High Street, London SW18 2PU",
              LIB,
              "Battersea Library",
              "Battersea, London SW11"),
          c(
              "westminster",
              "City of Westminster",
              "E09000033",
              "WST",
              "Westminster City Hall",
              "Westminster City Hall, 64 Victoria Street, London SW1E 6QP",
              DC,
              "Westminster Data Centre",
              "Pimlico, London SW1V"));

  /** The five eastern county councils, in GSS code order. */
  private static final List<CouncilRow> EASTERN_COUNCILS =
      List.of(
          c(
              "cambridgeshire",
              "Cambridgeshire County Council",
              "E10000003",
              "CAM",
              "New Shire Hall",
              "New Shire Hall, Emery Crescent, Enterprise Campus, Alconbury Weald PE28 4YE",
              LIB,
              "Cambridge Central Library",
              "Lion Yard, Cambridge CB2"),
          c(
              "essex",
              "Essex County Council",
              "E10000012",
              "ESX",
              "Essex County Hall",
              "County Hall, Market Road, Chelmsford CM1 1QH",
              DC,
              "Essex Data Centre",
              "Colchester CO4"),
          c(
              "hertfordshire",
              "Hertfordshire County Council",
              "E10000015",
              "HRT",
              "Hertfordshire County Hall",
              "County Hall, Pegs Lane, Hertford SG13 8DE",
              SCH,
              "Hertfordshire Schools Network Hub",
              "Stevenage SG1"),
          c(
              "norfolk",
              "Norfolk County Council",
              "E10000020",
              "NFK",
              "Norfolk County Hall",
              "County Hall, Martineau Lane, Norwich NR1 2DH",
              LIB,
              "Norfolk and Norwich Millennium Library",
              "The Forum, Norwich NR2"),
          c(
              "suffolk",
              "Suffolk County Council",
              "E10000029",
              "SFK",
              "Endeavour House",
              "Endeavour House, 8 Russell Road, Ipswich IP1 2BX",
              DC,
              "Suffolk Data Centre",
              "Bury St Edmunds IP33"));

  /**
   * London's (fictional) suppliers: one pan-London framework supplier and four sub-regional ones,
   * so every borough has at least two. Brent and Lewisham (joint ICT service) share Tessellate.
   */
  private static final List<SupplierRow> LONDON_SUPPLIERS =
      List.of(
          new SupplierRow(
              "wayfarer-networks",
              "Wayfarer Networks Ltd",
              LONDON_COUNCILS.stream().map(CouncilRow::id).toList()),
          new SupplierRow(
              "quillon-carrier",
              "Quillon Carrier Services Ltd",
              List.of(
                  "city-of-london",
                  "barking-and-dagenham",
                  "barnet",
                  "camden",
                  "enfield",
                  "hackney",
                  "haringey",
                  "havering",
                  "islington",
                  "newham",
                  "redbridge",
                  "tower-hamlets",
                  "waltham-forest")),
          new SupplierRow(
              "fernhollow-fibre",
              "Fernhollow Fibre Ltd",
              List.of(
                  "bexley",
                  "bromley",
                  "croydon",
                  "greenwich",
                  "kingston-upon-thames",
                  "lambeth",
                  "lewisham",
                  "merton",
                  "richmond-upon-thames",
                  "southwark",
                  "sutton",
                  "wandsworth")),
          new SupplierRow(
              "larkspire-connect",
              "Larkspire Connect Ltd",
              List.of(
                  "brent",
                  "ealing",
                  "hammersmith-and-fulham",
                  "harrow",
                  "hillingdon",
                  "hounslow",
                  "kensington-and-chelsea",
                  "kingston-upon-thames",
                  "richmond-upon-thames",
                  "westminster")),
          new SupplierRow(
              "tessellate-telecom",
              "Tessellate Telecom Ltd",
              List.of(
                  "city-of-london",
                  "brent",
                  "camden",
                  "hammersmith-and-fulham",
                  "islington",
                  "kensington-and-chelsea",
                  "lambeth",
                  "lewisham",
                  "southwark",
                  "westminster")));

  /** The eastern counties' (fictional) suppliers; every county has at least two. */
  private static final List<SupplierRow> EASTERN_SUPPLIERS =
      List.of(
          new SupplierRow(
              "harewold-networks",
              "Harewold Networks Ltd",
              EASTERN_COUNCILS.stream().map(CouncilRow::id).toList()),
          new SupplierRow(
              "saltmarsh-carrier",
              "Saltmarsh Carrier Services Ltd",
              List.of("essex", "norfolk", "suffolk")),
          new SupplierRow(
              "greywether-fibre",
              "Greywether Fibre Ltd",
              List.of("cambridgeshire", "essex", "hertfordshire")),
          new SupplierRow(
              "mistle-telecom",
              "Mistle Telecom Ltd",
              List.of("cambridgeshire", "hertfordshire", "norfolk")));

  private static final Region LONDON =
      new Region("london", "LPSN", "SRX345", LONDON_COUNCILS, LONDON_SUPPLIERS, 1);
  private static final Region EASTERN =
      new Region("eastern", "EPSN", "SRX380", EASTERN_COUNCILS, EASTERN_SUPPLIERS, 2);

  private static final List<Resource> LONDON_INVENTORY = inventory(LONDON);
  private static final List<Resource> EASTERN_INVENTORY = inventory(EASTERN);
  private static final List<Resource> LONDON_CIRCUITS = circuits(LONDON);
  private static final List<Resource> EASTERN_CIRCUITS = circuits(EASTERN);

  // ---------------------------------------------------------------------------------------------
  // Public API
  // ---------------------------------------------------------------------------------------------

  /**
   * The inventory for a region, in dependency order: councils, suppliers, sites, devices, VLAN
   * pools.
   *
   * @param name one of {@link #NAMES}
   * @return an immutable list
   * @throws IllegalArgumentException naming the valid names for an unknown name
   */
  public static List<Resource> byName(String name) {
    return region(name) == LONDON ? LONDON_INVENTORY : EASTERN_INVENTORY;
  }

  /** The London inventory: 33 councils, 5 suppliers, 66 sites, 33 devices, 33 VLAN pools. */
  public static List<Resource> london() {
    return LONDON_INVENTORY;
  }

  /** The eastern inventory: 5 county councils, 4 suppliers, 10 sites, 5 devices, 5 VLAN pools. */
  public static List<Resource> eastern() {
    return EASTERN_INVENTORY;
  }

  /**
   * Example circuits for the demo: one PSN access circuit per council of the region (no c_tag set,
   * so the controller allocates), plus for london a Brent–Lewisham shared-service circuit (kind
   * SHARED_SERVICE, a_end on Brent's router, b_end on Lewisham's router).
   *
   * @param name one of {@link #NAMES}
   * @return an immutable list
   * @throws IllegalArgumentException naming the valid names for an unknown name
   */
  public static List<Resource> exampleCircuits(String name) {
    return region(name) == LONDON ? LONDON_CIRCUITS : EASTERN_CIRCUITS;
  }

  // ---------------------------------------------------------------------------------------------
  // Builders
  // ---------------------------------------------------------------------------------------------

  private static Region region(String name) {
    if ("london".equals(name)) {
      return LONDON;
    }
    if ("eastern".equals(name)) {
      return EASTERN;
    }
    throw new IllegalArgumentException(
        "unknown seed "
            + (name == null ? "null" : "'" + name + "'")
            + "; valid names are: "
            + String.join(", ", NAMES));
  }

  /** Device id of a council's edge router. */
  static String deviceId(String councilId) {
    return "rtr-" + councilId + "-01";
  }

  private static List<Resource> inventory(Region region) {
    List<Resource> out = new ArrayList<>();
    for (CouncilRow row : region.councils()) {
      out.add(
          Resource.newBuilder()
              .setCouncil(
                  Council.newBuilder()
                      .setId(row.id())
                      .setName(row.name())
                      .setRegion(region.name())
                      .setGssCode(row.gss()))
              .build());
    }
    for (SupplierRow row : region.suppliers()) {
      out.add(
          Resource.newBuilder()
              .setSupplier(
                  Supplier.newBuilder()
                      .setId(row.id())
                      .setName(row.name())
                      .addAllCouncils(row.councils()))
              .build());
    }
    for (CouncilRow row : region.councils()) {
      out.add(
          Resource.newBuilder()
              .setSite(
                  Site.newBuilder()
                      .setId(row.id() + "-civic")
                      .setCouncil(row.id())
                      .setName(row.civicName())
                      .setKind(SiteKind.SITE_KIND_CIVIC_CENTRE)
                      .setAddress(row.civicAddress()))
              .build());
      out.add(
          Resource.newBuilder()
              .setSite(
                  Site.newBuilder()
                      .setId(row.id() + "-" + siteSuffix(row.otherKind()))
                      .setCouncil(row.id())
                      .setName(row.otherName())
                      .setKind(row.otherKind())
                      .setAddress(row.otherAddress()))
              .build());
    }
    int n = 0;
    for (CouncilRow row : region.councils()) {
      out.add(
          Resource.newBuilder()
              .setDevice(device(row, region.model(), loopback(region.loopbackBlock(), n++)))
              .build());
    }
    for (CouncilRow row : region.councils()) {
      out.add(
          Resource.newBuilder().setVlanPool(pool("pool-" + row.id(), deviceId(row.id()))).build());
    }
    return List.copyOf(out);
  }

  private static String siteSuffix(SiteKind kind) {
    return switch (kind) {
      case SITE_KIND_LIBRARY -> "library";
      case SITE_KIND_SCHOOL -> "school";
      case SITE_KIND_DATA_CENTRE -> "dc";
      case SITE_KIND_DEPOT -> "depot";
      case SITE_KIND_OFFICE -> "office";
      default -> throw new IllegalStateException("no second-site suffix for " + kind);
    };
  }

  /** Most routers {@link #scale} generates. */
  public static final int MAX_SCALE_DEVICES = 100_000;

  /**
   * A synthetic region for scale runs: {@code devices} routers ({@code rtr-scale-00001}, ...), one
   * site and one VLAN pool each, grouped 100 to a council, all served by one supplier ({@code
   * scale-carrier}). Routers have the same ports as the seeded London ones.
   *
   * @throws IllegalArgumentException if {@code devices} is not within 1-{@value #MAX_SCALE_DEVICES}
   */
  public static List<Resource> scale(int devices) {
    if (devices < 1 || devices > MAX_SCALE_DEVICES) {
      throw new IllegalArgumentException(
          "devices: must be within 1-" + MAX_SCALE_DEVICES + " (got " + devices + ")");
    }
    int councils = (devices + 99) / 100;
    List<Resource> out = new ArrayList<>();
    Supplier.Builder supplier =
        Supplier.newBuilder().setId("scale-carrier").setName("Scale Carrier Ltd");
    for (int c = 1; c <= councils; c++) {
      String id = scaleCouncilId(c);
      out.add(
          Resource.newBuilder()
              .setCouncil(
                  Council.newBuilder()
                      .setId(id)
                      .setName("Scale Test Council " + c)
                      .setRegion("scale"))
              .build());
      supplier.addCouncils(id);
    }
    out.add(Resource.newBuilder().setSupplier(supplier).build());
    for (int d = 1; d <= devices; d++) {
      out.add(
          Resource.newBuilder()
              .setSite(
                  Site.newBuilder()
                      .setId(String.format("scale-site-%05d", d))
                      .setCouncil(scaleCouncilId((d - 1) / 100 + 1))
                      .setName("Scale site " + d)
                      .setKind(SiteKind.SITE_KIND_OFFICE))
              .build());
    }
    for (int d = 1; d <= devices; d++) {
      // v2c must be acknowledged per device (the community crosses the wire in clear).
      SnmpSettings v2c =
          SnmpSettings.newBuilder()
              .setVersion(SnmpVersion.SNMP_VERSION_V2C)
              .setAllowV2C(true)
              .setPort(SNMP_PORT)
              .setCommunityRef(SCALE_COMMUNITY_REF)
              .build();
      out.add(
          Resource.newBuilder()
              .setDevice(
                  device(
                      scaleDeviceId(d),
                      String.format("scale-site-%05d", d),
                      "SRX345",
                      loopback(16, d - 1),
                      v2c))
              .build());
    }
    for (int d = 1; d <= devices; d++) {
      out.add(
          Resource.newBuilder()
              .setVlanPool(pool(String.format("pool-scale-%05d", d), scaleDeviceId(d)))
              .build());
    }
    return out;
  }

  /** Council id of the {@code n}th (from 1) council of {@link #scale}. */
  public static String scaleCouncilId(int n) {
    return String.format("scale-%04d", n);
  }

  /** Device id of the {@code n}th (from 1) router of {@link #scale}. */
  public static String scaleDeviceId(int n) {
    return String.format("rtr-scale-%05d", n);
  }

  private static Device device(CouncilRow row, String model, String managementAddress) {
    return device(
        deviceId(row.id()), row.id() + "-civic", model, managementAddress, v3(deviceId(row.id())));
  }

  private static SnmpSettings v3(String deviceId) {
    return SnmpSettings.newBuilder()
        .setVersion(SnmpVersion.SNMP_VERSION_V3)
        .setPort(SNMP_PORT)
        .setUser("wayleave")
        .setAuthProtocol(SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA256)
        .setAuthSecretRef("snmp/" + deviceId + "/auth")
        .setPrivProtocol(SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_AES128)
        .setPrivSecretRef("snmp/" + deviceId + "/priv")
        .build();
  }

  private static Device device(
      String id, String site, String model, String managementAddress, SnmpSettings snmp) {
    return Device.newBuilder()
        .setId(id)
        .setSite(site)
        .setManagementAddress(managementAddress)
        .setVendor("Juniper Networks")
        .setModel(model)
        .setSnmp(snmp)
        .addPorts(port("ge-0/0/0", 10_000, PortRole.PORT_ROLE_UPLINK, "uplink to the PSN core"))
        .addPorts(port("ge-0/0/1", 1_000, PortRole.PORT_ROLE_ACCESS, "council LAN"))
        .addPorts(port("ge-0/0/2", 1_000, PortRole.PORT_ROLE_ACCESS, "council LAN"))
        .addPorts(port("ge-0/0/3", 1_000, PortRole.PORT_ROLE_ACCESS, "council LAN"))
        .addPorts(port("fxp0", 1_000, PortRole.PORT_ROLE_MANAGEMENT, "out-of-band management"))
        .setKeepUnownedVlans(false)
        .build();
  }

  /** The UDP port every seeded router answers SNMP on: unprivileged, so a demo needs no root. */
  public static final int SNMP_PORT = 16161;

  /** The community reference of the {@link #scale} routers, which speak SNMP v2c. */
  public static final String SCALE_COMMUNITY_REF = "snmp/scale/community";

  /**
   * A loopback management address per router, so every simulated router is a distinct SNMP agent on
   * one machine: {@code 127.<b>.<c>.<d>} from {@code base + n}, never a {@code .0} or {@code .255}
   * host byte.
   */
  static String loopback(int block, int n) {
    int host = n % 254 + 1;
    int mid = n / 254;
    return "127." + (block + mid / 256) + "." + (mid % 256) + "." + host;
  }

  /**
   * The same inventory with every device's SNMP port set to {@code port} (tests avoid clashing with
   * a running demo).
   */
  public static List<Resource> withSnmpPort(List<Resource> resources, int port) {
    List<Resource> out = new ArrayList<>(resources.size());
    for (Resource r : resources) {
      if (r.hasDevice() && r.getDevice().hasSnmp()) {
        Device.Builder d = r.getDevice().toBuilder();
        d.getSnmpBuilder().setPort(port);
        out.add(Resource.newBuilder().setDevice(d).build());
      } else {
        out.add(r);
      }
    }
    return List.copyOf(out);
  }

  /** Every secret reference the devices of an inventory name, in order, without repeats. */
  public static List<String> secretRefs(List<Resource> resources) {
    LinkedHashSet<String> refs = new LinkedHashSet<>();
    for (Resource r : resources) {
      if (r.hasDevice() && r.getDevice().hasSnmp()) {
        SnmpSettings s = r.getDevice().getSnmp();
        for (String ref :
            List.of(s.getCommunityRef(), s.getAuthSecretRef(), s.getPrivSecretRef())) {
          if (!ref.isEmpty()) {
            refs.add(ref);
          }
        }
      }
    }
    return List.copyOf(refs);
  }

  private static VlanPool pool(String id, String device) {
    return VlanPool.newBuilder()
        .setId(id)
        .setDevice(device)
        .addAllPorts(List.of("ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "ge-0/0/3"))
        .addRanges(VlanRange.newBuilder().setFirst(100).setLast(999))
        .addRanges(VlanRange.newBuilder().setFirst(2000).setLast(2999))
        .addReserved(999)
        .build();
  }

  private static Port port(String name, long speedMbps, PortRole role, String description) {
    return Port.newBuilder()
        .setName(name)
        .setSpeedMbps(speedMbps)
        .setRole(role)
        .setDescription(description)
        .build();
  }

  private static List<Resource> circuits(Region region) {
    List<Resource> out = new ArrayList<>();
    for (CouncilRow row : region.councils()) {
      String supplier = accessSupplier(region, row.id());
      CircuitSpec spec =
          CircuitSpec.newBuilder()
              .setCouncil(row.id())
              .setSupplier(supplier)
              .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
              .setAEnd(Termination.newBuilder().setDevice(deviceId(row.id())).setPort(ACCESS_PORT))
              .setCommittedMbps(100)
              .setAdminState(AdminState.ADMIN_STATE_ENABLED)
              .setDescription("PSN access for " + row.name() + " at " + row.civicName())
              .build();
      out.add(circuit(region.circuitPrefix() + "-" + row.code() + "-0001", spec));
    }
    if (region == LONDON) {
      CircuitSpec spec =
          CircuitSpec.newBuilder()
              .setCouncil("brent")
              .setSupplier(sharedSupplier(region, "brent", "lewisham"))
              .setKind(CircuitKind.CIRCUIT_KIND_SHARED_SERVICE)
              .setAEnd(
                  Termination.newBuilder()
                      .setDevice(deviceId("brent"))
                      .setPort(SHARED_SERVICE_PORT))
              .setBEnd(
                  Termination.newBuilder()
                      .setDevice(deviceId("lewisham"))
                      .setPort(SHARED_SERVICE_PORT))
              .setCommittedMbps(200)
              .setAdminState(AdminState.ADMIN_STATE_ENABLED)
              .setDescription("Brent and Lewisham shared ICT service link")
              .build();
      out.add(circuit("LPSN-SHS-0001", spec));
    }
    return List.copyOf(out);
  }

  private static Resource circuit(String id, CircuitSpec spec) {
    return Resource.newBuilder().setCircuit(Circuit.newBuilder().setId(id).setSpec(spec)).build();
  }

  /**
   * The supplier of a council's example access circuit: the first sub-regional supplier serving it,
   * so the demo spreads circuits across suppliers, else the region-wide framework supplier.
   */
  private static String accessSupplier(Region region, String councilId) {
    List<SupplierRow> suppliers = region.suppliers();
    for (SupplierRow s : suppliers.subList(1, suppliers.size())) {
      if (s.councils().contains(councilId)) {
        return s.id();
      }
    }
    SupplierRow framework = suppliers.get(0);
    if (framework.councils().contains(councilId)) {
      return framework.id();
    }
    throw new IllegalStateException("no supplier serves " + councilId);
  }

  /** The last-listed supplier serving both councils (the sub-regional one before the framework). */
  private static String sharedSupplier(Region region, String a, String b) {
    String found = null;
    for (SupplierRow s : region.suppliers()) {
      if (s.councils().contains(a) && s.councils().contains(b)) {
        found = s.id();
      }
    }
    return Objects.requireNonNull(found, () -> "no supplier serves both " + a + " and " + b);
  }
}
