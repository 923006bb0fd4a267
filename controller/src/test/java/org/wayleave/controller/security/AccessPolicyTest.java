package org.wayleave.controller.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Identity.Role;

class AccessPolicyTest {
  static final String TOKEN = "s3cret-token-for-the-wall";

  @Test
  void certificatesKeepTheirRoleUnlessThePolicyChangesOrRefusesIt() {
    AccessPolicy p =
        AccessPolicy.parse(
            """
            roles:
              engineer:alice: noc
            refused: [supplier:old-carrier]
            suppliers:
              quillon-carrier: [camden, islington]
            tokens:
              noc:wall: %s
            http: {anonymousRead: true}
            rateLimits: {supplier: 5}
            maxWatchesPerPrincipal: 3
            """
                .formatted(AccessPolicy.sha256(TOKEN)),
            "p.yaml");
    assertThat(p.resolve(new Identity(Role.ENGINEER, "alice")))
        .get()
        .extracting(Caller::role)
        .isEqualTo(Role.NOC);
    assertThat(p.resolve(new Identity(Role.ENGINEER, "bob")))
        .get()
        .extracting(Caller::role)
        .isEqualTo(Role.ENGINEER);
    assertThat(p.resolve(new Identity(Role.SUPPLIER, "old-carrier"))).isEmpty();
    assertThat(p.resolve(new Identity(Role.SUPPLIER, "quillon-carrier")).orElseThrow().principal())
        .isEqualTo("supplier:quillon-carrier");
    assertThat(p.supplierCouncils("quillon-carrier")).contains(Set.of("camden", "islington"));
    assertThat(p.supplierCouncils("fernhollow-fibre")).isEmpty();
    assertThat(p.byToken(TOKEN)).get().extracting(Caller::principal).isEqualTo("noc:wall");
    assertThat(p.byToken(TOKEN + "x")).isEmpty();
    assertThat(p.byToken("")).isEmpty();
    assertThat(p.anonymousRead()).isTrue();
    assertThat(p.rateLimit(Role.SUPPLIER)).isEqualTo(5);
    assertThat(p.rateLimit(Role.NOC)).isEqualTo(50);
    assertThat(p.maxWatchesPerPrincipal()).isEqualTo(3);
  }

  @Test
  void theDefaultsAreClosed() {
    AccessPolicy p = AccessPolicy.defaults();
    assertThat(p.anonymousRead()).isFalse();
    assertThat(p.byToken(TOKEN)).isEmpty();
    assertThat(p.rateLimit(Role.SUPPLIER)).isEqualTo(20);
    assertThat(p.rateLimit(Role.ENGINEER)).isZero();
  }

  @Test
  void aBadPolicyNamesTheFileTheKeyAndTheRule() {
    assertThatThrownBy(() -> AccessPolicy.parse("rolez: {}", "p.yaml"))
        .hasMessageContaining("p.yaml")
        .hasMessageContaining("unknown key 'rolez'");
    assertThatThrownBy(() -> AccessPolicy.parse("roles: {engineer:alice: wizard}", "p.yaml"))
        .hasMessageContaining("roles.engineer:alice")
        .hasMessageContaining("unknown 'wizard'");
    assertThatThrownBy(() -> AccessPolicy.parse("refused: [alice]", "p.yaml"))
        .hasMessageContaining("refused[0]")
        .hasMessageContaining("<role>:<name>");
    assertThatThrownBy(() -> AccessPolicy.parse("tokens: {noc:wall: not-a-hash}", "p.yaml"))
        .hasMessageContaining("tokens.noc:wall")
        .hasMessageContaining("SHA-256")
        .hasMessageNotContaining("not-a-hash");
    assertThatThrownBy(() -> AccessPolicy.parse("rateLimits: {noc: -1}", "p.yaml"))
        .hasMessageContaining("rateLimits.noc");
    assertThatThrownBy(() -> AccessPolicy.parse("suppliers: {Bad_Id: [camden]}", "p.yaml"))
        .hasMessageContaining("suppliers.Bad_Id");
    assertThatThrownBy(() -> AccessPolicy.parse("maxWatchesPerPrincipal: 0", "p.yaml"))
        .hasMessageContaining("maxWatchesPerPrincipal");
  }

  @Test
  void theRateLimiterAllowsABurstThenTheRate() {
    AtomicLong nanos = new AtomicLong();
    RateLimiter limiter = new RateLimiter(c -> c.role() == Role.SUPPLIER ? 2 : 0, nanos::get);
    Caller s = new Caller("supplier:x", Role.SUPPLIER, "x");
    Caller e = new Caller("engineer:y", Role.ENGINEER, "y");
    for (int i = 0; i < 2 * RateLimiter.BURST_SECONDS; i++) {
      assertThat(limiter.acquire(s)).as("call %d of the burst", i).isZero();
    }
    assertThat(limiter.acquire(s)).as("over the burst: wait for a token at 2/s").isEqualTo(500);
    nanos.addAndGet(500_000_000L);
    assertThat(limiter.acquire(s)).isZero();
    assertThat(limiter.acquire(s)).isPositive();
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.acquire(e)).as("engineers are not limited").isZero();
    }
  }
}
