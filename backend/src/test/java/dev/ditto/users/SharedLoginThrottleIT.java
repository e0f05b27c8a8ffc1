package dev.ditto.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.testing.DittoIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sign-in counts live in PostgreSQL: a second server on the same database (here a second {@link LoginThrottle}
 * with its own store object and no memory shared with this context's) sees the lockouts this server's HTTP sign-ins
 * made, its unlock frees them here, its lockouts refuse sign-ins here, and two servers counting one key at once lose
 * no failure.
 */
@DittoIntegrationTest
class SharedLoginThrottleIT {
    private static final LoginThrottle.Settings SETTINGS =
            new LoginThrottle.Settings(5, 50, Duration.ofSeconds(30), Duration.ofMinutes(15));

    private final HttpClient http = HttpClient.newHttpClient();
    @LocalServerPort int port;
    @Autowired LoginThrottle thisServer;
    @Autowired UserService users;
    @Autowired JdbcClient jdbc;
    @Autowired PlatformTransactionManager transactions;

    private LoginThrottle otherServer() {
        return new LoginThrottle(SETTINGS, Clock.systemUTC(), l -> { },
                new ThrottleStore.Postgres(jdbc, new TransactionTemplate(transactions)));
    }

    @BeforeEach
    @AfterEach
    void forget() {
        thisServer.clear();
    }

    @Test
    void aLockoutMadeOnOneServerHoldsOnTheOtherAndAnUnlockThereFreesItHere() throws Exception {
        for (String name : List.of("shared-a", "shared-b")) {
            if (users.findByUsername(name).isEmpty()) {
                users.create(name, "password-" + name, Role.VIEWER, null);
            }
        }
        LoginThrottle other = otherServer();
        for (int i = 0; i < 5; i++) {
            assertThat(get("shared-a", "wrong-" + i)).isEqualTo(401);
        }
        assertThat(other.refusal("shared-a", "10.9.9.9")).as("the other server refuses the account too").isPresent();
        assertThat(other.lockouts()).extracting(LoginThrottle.Lockout::key).contains("account:shared-a");
        assertThat(other.unlock("account:shared-a")).isTrue();
        assertThat(get("shared-a", "password-shared-a")).as("unlocked on the other server").isEqualTo(200);

        for (int i = 0; i < 5; i++) {
            other.failed("shared-b", "10.9.9.9");
        }
        assertThat(get("shared-b", "password-shared-b")).as("locked out on the other server").isEqualTo(429);
        assertThat(thisServer.lockouts()).extracting(LoginThrottle.Lockout::key).contains("account:shared-b");
    }

    @Test
    void twoServersCountingOneAddressAtOnceLoseNoFailure() throws Exception {
        List<LoginThrottle> servers = List.of(thisServer, otherServer());
        List<Callable<Void>> work = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            LoginThrottle server = servers.get(s);
            work.add(() -> {
                for (int i = 0; i < 20; i++) {
                    server.failedFromAddress("10.1.2.3");
                }
                return null;
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (Future<Void> f : pool.invokeAll(work)) {
                f.get();
            }
        }
        assertThat(jdbc.sql("select failures from login_throttle where key = 'address:10.1.2.3'").query(Integer.class).single())
                .isEqualTo(40);
        for (int i = 0; i < 10; i++) {
            servers.get(i % 2).failedFromAddress("10.1.2.3");
        }
        assertThat(thisServer.addressRefusal("10.1.2.3")).as("the 50th failure, counted on either server, locks").isPresent();
    }

    private int get(String user, String password) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sources?limit=1"))
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
