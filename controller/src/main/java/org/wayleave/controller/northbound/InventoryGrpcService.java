package org.wayleave.controller.northbound;

import io.grpc.stub.StreamObserver;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.DeleteResponse;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.ListCouncilsResponse;
import org.wayleave.api.v1.ListDevicesResponse;
import org.wayleave.api.v1.ListRequest;
import org.wayleave.api.v1.ListSitesResponse;
import org.wayleave.api.v1.ListSuppliersResponse;
import org.wayleave.api.v1.ListVlanPoolsResponse;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Kind;

/** {@code InventoryService}: councils, suppliers, sites, devices and VLAN pools. */
public final class InventoryGrpcService extends InventoryServiceGrpc.InventoryServiceImplBase {
  private final ResourceCalls calls;

  public InventoryGrpcService(DesiredStateService state) {
    this.calls = new ResourceCalls(state);
  }

  @Override
  public void createCouncil(Council req, StreamObserver<Council> out) {
    calls.create(Kind.COUNCIL, req, out);
  }

  @Override
  public void getCouncil(GetRequest req, StreamObserver<Council> out) {
    calls.get(Kind.COUNCIL, req, out);
  }

  @Override
  public void listCouncils(ListRequest req, StreamObserver<ListCouncilsResponse> out) {
    calls.list(
        Kind.COUNCIL,
        req.getPageSize(),
        req.getPageToken(),
        x -> true,
        p ->
            ListCouncilsResponse.newBuilder()
                .addAllCouncils(p.items())
                .setNextPageToken(p.nextPageToken())
                .setRevision(p.revision())
                .build(),
        out);
  }

  @Override
  public void updateCouncil(Council req, StreamObserver<Council> out) {
    calls.update(Kind.COUNCIL, req, out);
  }

  @Override
  public void deleteCouncil(DeleteRequest req, StreamObserver<DeleteResponse> out) {
    calls.delete(Kind.COUNCIL, req, out);
  }

  @Override
  public void createSupplier(Supplier req, StreamObserver<Supplier> out) {
    calls.create(Kind.SUPPLIER, req, out);
  }

  @Override
  public void getSupplier(GetRequest req, StreamObserver<Supplier> out) {
    calls.get(Kind.SUPPLIER, req, out);
  }

  @Override
  public void listSuppliers(ListRequest req, StreamObserver<ListSuppliersResponse> out) {
    calls.list(
        Kind.SUPPLIER,
        req.getPageSize(),
        req.getPageToken(),
        x -> true,
        p ->
            ListSuppliersResponse.newBuilder()
                .addAllSuppliers(p.items())
                .setNextPageToken(p.nextPageToken())
                .setRevision(p.revision())
                .build(),
        out);
  }

  @Override
  public void updateSupplier(Supplier req, StreamObserver<Supplier> out) {
    calls.update(Kind.SUPPLIER, req, out);
  }

  @Override
  public void deleteSupplier(DeleteRequest req, StreamObserver<DeleteResponse> out) {
    calls.delete(Kind.SUPPLIER, req, out);
  }

  @Override
  public void createSite(Site req, StreamObserver<Site> out) {
    calls.create(Kind.SITE, req, out);
  }

  @Override
  public void getSite(GetRequest req, StreamObserver<Site> out) {
    calls.get(Kind.SITE, req, out);
  }

  @Override
  public void listSites(ListRequest req, StreamObserver<ListSitesResponse> out) {
    calls.list(
        Kind.SITE,
        req.getPageSize(),
        req.getPageToken(),
        x -> true,
        p ->
            ListSitesResponse.newBuilder()
                .addAllSites(p.items())
                .setNextPageToken(p.nextPageToken())
                .setRevision(p.revision())
                .build(),
        out);
  }

  @Override
  public void updateSite(Site req, StreamObserver<Site> out) {
    calls.update(Kind.SITE, req, out);
  }

  @Override
  public void deleteSite(DeleteRequest req, StreamObserver<DeleteResponse> out) {
    calls.delete(Kind.SITE, req, out);
  }

  @Override
  public void createDevice(Device req, StreamObserver<Device> out) {
    calls.create(Kind.DEVICE, req, out);
  }

  @Override
  public void getDevice(GetRequest req, StreamObserver<Device> out) {
    calls.get(Kind.DEVICE, req, out);
  }

  @Override
  public void listDevices(ListRequest req, StreamObserver<ListDevicesResponse> out) {
    calls.list(
        Kind.DEVICE,
        req.getPageSize(),
        req.getPageToken(),
        x -> true,
        p ->
            ListDevicesResponse.newBuilder()
                .addAllDevices(p.items())
                .setNextPageToken(p.nextPageToken())
                .setRevision(p.revision())
                .build(),
        out);
  }

  @Override
  public void updateDevice(Device req, StreamObserver<Device> out) {
    calls.update(Kind.DEVICE, req, out);
  }

  @Override
  public void deleteDevice(DeleteRequest req, StreamObserver<DeleteResponse> out) {
    calls.delete(Kind.DEVICE, req, out);
  }

  @Override
  public void createVlanPool(VlanPool req, StreamObserver<VlanPool> out) {
    calls.create(Kind.VLAN_POOL, req, out);
  }

  @Override
  public void getVlanPool(GetRequest req, StreamObserver<VlanPool> out) {
    calls.get(Kind.VLAN_POOL, req, out);
  }

  @Override
  public void listVlanPools(ListRequest req, StreamObserver<ListVlanPoolsResponse> out) {
    calls.list(
        Kind.VLAN_POOL,
        req.getPageSize(),
        req.getPageToken(),
        x -> true,
        p ->
            ListVlanPoolsResponse.newBuilder()
                .addAllVlanPools(p.items())
                .setNextPageToken(p.nextPageToken())
                .setRevision(p.revision())
                .build(),
        out);
  }

  @Override
  public void updateVlanPool(VlanPool req, StreamObserver<VlanPool> out) {
    calls.update(Kind.VLAN_POOL, req, out);
  }

  @Override
  public void deleteVlanPool(DeleteRequest req, StreamObserver<DeleteResponse> out) {
    calls.delete(Kind.VLAN_POOL, req, out);
  }
}
