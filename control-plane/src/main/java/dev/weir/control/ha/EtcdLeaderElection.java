package dev.weir.control.ha;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election among control planes through etcd: each replica holds a lease (kept alive) and
 * campaigns with it; the one whose key is oldest leads until its lease ends.
 *
 * <p>A replica that dies stops renewing its lease, so etcd deletes its key within the lease TTL and
 * the next candidate leads. A replica that cannot renew (etcd unreachable, or the lease expired)
 * stops counting itself the leader at once: {@link #isLeader} also requires the last renewal to be
 * younger than the TTL, so even a silent keep-alive stream cannot leave two leaders for longer than
 * the clocks' drift. It then campaigns again with a new lease.
 *
 * <p>One thread of its own campaigns; {@link #close} resigns and revokes the lease, so a replica
 * shut down cleanly hands over at once rather than after the TTL.
 */
public final class EtcdLeaderElection implements Leadership, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdLeaderElection.class);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Client client;
  private final ByteSequence electionName;
  private final ByteSequence candidate;
  private final Duration ttl;
  private final Thread thread;

  private volatile boolean leading;
  private volatile long renewedNanos;
  private volatile boolean closed;

  /**
   * @param electionName the etcd key prefix the election runs under
   * @param candidate who this replica is, as the election key and the logs show it
   * @param ttl how long a dead leader keeps leading; whole seconds, at least 2
   */
  public EtcdLeaderElection(Client client, String electionName, String candidate, Duration ttl) {
    if (ttl.toSeconds() < 2) {
      throw new IllegalArgumentException("ttl must be at least 2 s, got " + ttl);
    }
    this.client = client;
    this.electionName = ByteSequence.from(electionName, StandardCharsets.UTF_8);
    this.candidate = ByteSequence.from(candidate, StandardCharsets.UTF_8);
    this.ttl = ttl;
    this.thread = new Thread(this::run, "weir-etcd-election");
    this.thread.setDaemon(true);
  }

  /** Starts campaigning. */
  public EtcdLeaderElection start() {
    thread.start();
    return this;
  }

  @Override
  public boolean isLeader() {
    return leading && System.nanoTime() - renewedNanos < ttl.toNanos();
  }

  /** Stops campaigning; a leader resigns and revokes its lease. Idempotent. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (!closed) {
      try {
        term();
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } catch (Exception e) {
        log.warn(
            "leader election through etcd failed ({}); campaigning again in {} s",
            EtcdErrors.describe(e),
            RETRY.toSeconds());
      }
      try {
        Thread.sleep(RETRY.toMillis());
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** One lease: campaign with it, lead while it lives, give it up. */
  private void term() throws Exception {
    long lease =
        client
            .getLeaseClient()
            .grant(ttl.toSeconds())
            .get(ttl.toMillis(), TimeUnit.MILLISECONDS)
            .getID();
    CountDownLatch lost = new CountDownLatch(1);
    CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new Renewals(lost));
    CompletableFuture<CampaignResponse> campaign = null;
    boolean won = false;
    try {
      renewedNanos = System.nanoTime();
      campaign = client.getElectionClient().campaign(electionName, lease, candidate);
      CampaignResponse response = awaitCampaign(campaign, lost);
      if (response == null) {
        return;
      }
      won = true;
      leading = true;
      log.info(
          "this control plane ({}) is now the leader: it runs adaptive weights and "
              + "history compaction",
          candidate.toString(StandardCharsets.UTF_8));
      // Poll too, so a keep-alive stream that went quiet ends the term when the TTL runs out.
      while (!lost.await(ttl.toMillis() / 4, TimeUnit.MILLISECONDS) && isLeader()) {
        // still leading
      }
      if (!closed) {
        log.warn("this control plane lost the leadership: its etcd lease could not be renewed");
      }
    } finally {
      leading = false;
      if (campaign != null && !won) {
        campaign.cancel(true);
      }
      keepAlive.close();
      revokeQuietly(lease);
      if (won && closed) {
        log.info("this control plane resigned the leadership");
      }
    }
  }

  private CampaignResponse awaitCampaign(
      CompletableFuture<CampaignResponse> campaign, CountDownLatch lost) throws Exception {
    while (true) {
      try {
        return campaign.get(ttl.toMillis() / 4, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (lost.getCount() == 0 || System.nanoTime() - renewedNanos >= ttl.toNanos()) {
          return null;
        }
      }
    }
  }

  private void revokeQuietly(long lease) {
    try {
      client.getLeaseClient().revoke(lease).get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The lease ends with its TTL anyway.
      log.debug("could not revoke lease {}: {}", lease, EtcdErrors.describe(e));
    }
  }

  /** Marks each renewal; an error or end of the stream ends the term. */
  private final class Renewals implements StreamObserver<LeaseKeepAliveResponse> {
    private final CountDownLatch lost;

    Renewals(CountDownLatch lost) {
      this.lost = lost;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
      if (response.getTTL() > 0) {
        renewedNanos = System.nanoTime();
      } else {
        lost.countDown();
      }
    }

    @Override
    public void onError(Throwable t) {
      lost.countDown();
    }

    @Override
    public void onCompleted() {
      lost.countDown();
    }
  }
}
