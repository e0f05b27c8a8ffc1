package dev.ditto.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lockout arithmetic, on a clock the test moves (no sleeps). */
class LoginThrottleTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final List<LoginThrottle.Lockout> audited = new ArrayList<>();
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottle.Settings(5, 20, Duration.ofSeconds(30), Duration.ofMinutes(15)), clock, audited::add);

    private void fail(String user, String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(user, address);
        }
    }

    @Test
    void fiveFailuresLockTheAccountForThirtySecondsThenEachFurtherFailureDoublesUpToFifteenMinutes() {
        fail("alice", "10.0.0.1", 4);
        assertThat(throttle.refusal("alice", "10.0.0.1")).isEmpty();
        fail("alice", "10.0.0.1", 1);
        assertThat(throttle.refusal("alice", "10.0.0.1")).contains(Duration.ofSeconds(30));
        assertThat(throttle.refusal("ALICE", "10.0.0.2")).as("any case, any address").contains(Duration.ofSeconds(30));
        assertThat(audited).singleElement().satisfies(l -> {
            assertThat(l.key()).isEqualTo("account:alice");
            assertThat(l.retryAfterSeconds()).isEqualTo(30);
        });
        now = now.plusSeconds(10);
        assertThat(throttle.refusal("alice", "10.0.0.1")).contains(Duration.ofSeconds(20));

        long[] expected = {60, 120, 240, 480, 900, 900};
        for (long seconds : expected) {
            now = now.plus(throttle.refusal("alice", "10.0.0.1").orElseThrow());
            assertThat(throttle.refusal("alice", "10.0.0.1")).isEmpty();
            fail("alice", "10.0.0.1", 1);
            assertThat(throttle.refusal("alice", "10.0.0.1")).contains(Duration.ofSeconds(seconds));
        }
        assertThat(audited).hasSize(1 + expected.length).allMatch(l -> l.key().equals("account:alice"));
        assertThat(throttle.lockouts()).singleElement().satisfies(l -> assertThat(l.lockouts()).isEqualTo(7));
    }

    @Test
    void aSuccessResetsTheAccountAndTheAddress() {
        fail("bob", "10.0.0.1", 4);
        throttle.succeeded("bob", "10.0.0.1");
        fail("bob", "10.0.0.1", 4);
        assertThat(throttle.refusal("bob", "10.0.0.1")).isEmpty();
        assertThat(audited).isEmpty();
    }

    @Test
    void anAddressIsLockedAfterTwentyFailuresOverManyAccountsKnownOrNot() {
        for (int i = 0; i < 19; i++) {
            throttle.failed("nobody-" + i, "10.0.0.9");
        }
        assertThat(throttle.refusal("someone-else", "10.0.0.9")).isEmpty();
        throttle.failed("nobody-19", "10.0.0.9");
        assertThat(throttle.refusal("someone-else", "10.0.0.9")).contains(Duration.ofSeconds(30));
        assertThat(throttle.refusal("someone-else", "10.0.0.10")).as("another address").isEmpty();
        assertThat(audited).extracting(LoginThrottle.Lockout::key).containsExactly("address:10.0.0.9");
    }

    @Test
    void unknownUsernamesAreThrottledLikeKnownOnes() {
        fail("no-such-user", "10.0.0.1", 5);
        assertThat(throttle.refusal("no-such-user", "10.0.0.3")).contains(Duration.ofSeconds(30));
    }

    @Test
    void unlockLiftsTheLockoutAndForgetsTheCount() {
        fail("carol", "10.0.0.1", 5);
        assertThat(throttle.lockouts()).extracting(LoginThrottle.Lockout::key).containsExactly("account:carol");
        assertThat(throttle.unlock("account:carol")).isTrue();
        assertThat(throttle.unlock("account:carol")).isFalse();
        assertThat(throttle.refusal("carol", "10.0.0.1")).isEmpty();
        fail("carol", "10.0.0.1", 4);
        assertThat(throttle.refusal("carol", "10.0.0.1")).isEmpty();
    }

    @Test
    void failuresAreForgottenAfterTheMaximumLockoutOfQuiet() {
        fail("dave", "10.0.0.1", 5);
        now = now.plus(Duration.ofSeconds(30)).plus(Duration.ofMinutes(15));
        assertThat(throttle.lockouts()).isEmpty();
        fail("dave", "10.0.0.1", 1);
        assertThat(throttle.refusal("dave", "10.0.0.1")).as("starts over: one failure of five").isEmpty();
    }

    @Test
    void retryAfterIsRoundedUp() {
        assertThat(LoginThrottle.secondsUp(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(LoginThrottle.secondsUp(Duration.ofSeconds(30))).isEqualTo(30);
        assertThat(new TooManySignInsException(Duration.ofMillis(29_001)).getMessage())
                .isEqualTo("too many failed sign-ins; try again in 30 s");
    }
}
