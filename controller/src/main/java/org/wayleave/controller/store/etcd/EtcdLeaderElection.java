package org.wayleave.controller.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.store.Fence;
import org.wayleave.controller.store.LeaderElection;
import org.wayleave.controller.store.StoreException;

/**
 * A candidate in an etcd election ({@code Election.campaign} on a lease of {@value #TTL_SECONDS} s
 * kept alive while it takes part). It is the leader from a successful campaign until it resigns,
 * closes, or its lease is lost (the keep-alive stream fails or ends, etcd says it expired, or no
 * renewal came for two thirds of the TTL); then it is out, and a new {@link #campaign()} joins
 * again on a new lease. It asks etcd for the result of its own campaign instead of observing the
 * election, so a missed first observation (a known jetcd pitfall) cannot leave it unaware.
 */
final class EtcdLeaderElection implements LeaderElection {
  /**
   * A leader's claim as etcd holds it: the election's leader key, created at revision {@code term}
   * (etcd revisions only grow, so no two leaders share a term). A write fenced by it commits only
   * if that key still exists with that create revision.
   */
  record Claim(ByteSequence leaderKey, long term, EtcdLeaderElection election) implements Fence {
    @Override
    public boolean holds() {
      return election.isLeader() && election.term() == term;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(EtcdLeaderElection.class);
  static final long TTL_SECONDS = 3;

  private final Client client;
  private final ByteSequence name;
  private final String candidateId;
  private final Consumer<EtcdLeaderElection> onClose;
  private volatile boolean leader;
  private volatile boolean closed;

  /** When the lease was last known alive: granted or renewed ({@link System#nanoTime()}). */
  private volatile long aliveAt;

  private volatile boolean leaseLost;
  private long leaseId;
  private CloseableClient keepAlive;
  private volatile LeaderKey leaderKey;

  EtcdLeaderElection(
      Client client, ByteSequence name, String candidateId, Consumer<EtcdLeaderElection> onClose) {
    this.client = client;
    this.name = name;
    this.candidateId = candidateId;
    this.onClose = onClose;
  }

  @Override
  public void campaign() throws InterruptedException {
    CompletableFuture<CampaignResponse> campaign;
    synchronized (this) {
      if (closed) {
        throw new StoreException("the election has been left");
      }
      if (leader) {
        return;
      }
      if (keepAlive == null || leaseLost || !leaseFresh()) {
        if (keepAlive != null) {
          keepAlive.close();
        }
        leaseLost = false;
        aliveAt = System.nanoTime();
        leaseId = Etcd.await(client.getLeaseClient().grant(TTL_SECONDS), "lease grant").getID();
        keepAlive = client.getLeaseClient().keepAlive(leaseId, new LeaseObserver());
      }
      campaign =
          client.getElectionClient().campaign(name, leaseId, ByteSequence.from(candidateId, UTF_8));
    }
    CampaignResponse won;
    try {
      won = campaign.get();
    } catch (InterruptedException e) {
      campaign.cancel(true);
      close();
      throw e;
    } catch (ExecutionException e) {
      throw new StoreException("campaign failed: " + e.getCause().getMessage(), e.getCause());
    }
    synchronized (this) {
      leaderKey = won.getLeader();
      leader = !closed;
    }
    log.info("{} leads {}", candidateId, name);
  }

  @Override
  public boolean isLeader() {
    // Without a renewal for a whole TTL the lease may have expired in etcd (while jetcd keeps
    // trying to reach it): leadership is then no longer certain, so it is not claimed.
    return leader && !closed && leaseFresh();
  }

  /**
   * Whether the lease was renewed within two thirds of its TTL: this side gives up before etcd
   * (counting from when it got the renewal, a little earlier than the answer came back) can expire
   * it. A stale lease is replaced at the next campaign.
   */
  private boolean leaseFresh() {
    return System.nanoTime() - aliveAt < TimeUnit.SECONDS.toNanos(TTL_SECONDS) * 2 / 3;
  }

  /** The create revision of this candidate's leader key while it leads; 0 otherwise. */
  @Override
  public long term() {
    LeaderKey key = leaderKey;
    return isLeader() && key != null ? key.getRevision() : 0;
  }

  @Override
  public Fence fence() {
    LeaderKey key = leaderKey;
    if (!isLeader() || key == null) {
      return null;
    }
    return new Claim(key.getKey(), key.getRevision(), this);
  }

  /**
   * Gives up leadership that etcd no longer records (the leader key is gone): the next {@link
   * #campaign()} joins again.
   */
  void lose(String why) {
    if (leader) {
      log.warn("{} lost leadership of {}: {}", candidateId, name, why);
    }
    leader = false;
  }

  /** Who leads now, as etcd says (its candidate id), or empty if nobody does. */
  @Override
  public Optional<String> leader() {
    // Asked for /leader: a second at most, so a silent etcd does not hold the page.
    CompletableFuture<io.etcd.jetcd.election.LeaderResponse> call =
        client.getElectionClient().leader(name);
    try {
      return Optional.of(call.get(1, TimeUnit.SECONDS).getKv().getValue().toString(UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      call.cancel(true);
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    LeaderKey key;
    CloseableClient alive;
    long lease;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      leader = false;
      key = leaderKey;
      alive = keepAlive;
      lease = leaseId;
    }
    try {
      if (key != null) {
        Etcd.await(client.getElectionClient().resign(key), "resign");
      }
      if (alive != null) {
        alive.close();
        Etcd.await(client.getLeaseClient().revoke(lease), "lease revoke");
      }
    } catch (RuntimeException e) {
      log.warn("leaving election {} cleanly failed: {}", name, e.getMessage());
    } finally {
      onClose.accept(this);
    }
  }

  /** Leadership ends when the lease's keep-alive stream fails or ends. */
  private final class LeaseObserver implements StreamObserver<LeaseKeepAliveResponse> {
    @Override
    public void onNext(LeaseKeepAliveResponse value) {
      if (value.getTTL() > 0) {
        aliveAt = System.nanoTime();
      } else {
        lost("lease expired");
      }
    }

    @Override
    public void onError(Throwable t) {
      lost(t.getMessage());
    }

    @Override
    public void onCompleted() {
      lost("keep-alive ended");
    }

    private void lost(String why) {
      if (leader) {
        log.warn("{} lost leadership of {}: {}", candidateId, name, why);
      }
      leader = false;
      leaseLost = true;
    }
  }
}
