package dev.ditto.curation;

import static dev.ditto.curation.CurationFixtures.signIn;
import static dev.ditto.curation.CurationFixtures.signOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.blobs.BlobStore;
import dev.ditto.testing.DittoIntegrationTest;
import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.AccessDeniedException;

/** The review queue against the real PostgreSQL, with one review per sample (the default). */
@DittoIntegrationTest
class CurationIT {
    @Autowired JdbcClient jdbc;
    @Autowired UserService users;
    @Autowired ReviewService reviews;
    @Autowired BlobStore blobs;
    @LocalServerPort int port;

    CurationFixtures fixtures;
    String alice;
    String bob;

    @BeforeEach
    void setUp() {
        fixtures = new CurationFixtures(jdbc, users);
        fixtures.clean();
        alice = fixtures.user("alice", Role.CURATOR);
        bob = fixtures.user("bob", Role.CURATOR);
        fixtures.user("victor", Role.VIEWER);
    }

    @AfterEach
    void tearDown() {
        signOut();
    }

    @Test
    void nextClaimsTheOldestSampleWithEverythingTheViewShows() {
        long first = fixtures.sampleInReview(0.8);
        fixtures.sampleInReview(0.8);

        signIn(alice, Role.CURATOR);
        ReviewItem item = reviews.next(alice).orElseThrow();

        assertThat(item.sampleId()).isEqualTo(first);
        assertThat(item.instruction()).isEqualTo("make it look like a watercolour painting");
        assertThat(item.category()).isEqualTo("GLOBAL_STYLE");
        assertThat(item.sourceClipKey()).startsWith("c");
        assertThat(item.editedKey()).startsWith("e");
        assertThat(item.editedKeyFrameKey()).startsWith("f");
        assertThat(item.sourceKeyFrameKeys()).hasSize(2);
        assertThat(item.scores()).extracting(ReviewItem.CriterionScore::criterion)
                .containsExactly("safety", "instruction following", "preservation");
        assertThat(item.scores().get(1).reason()).isEqualTo("style changed");
        assertThat(item.judgeScore()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(item.judgeDecision()).isEqualTo("ACCEPT_TO_QUEUE");
        assertThat(item.metrics()).containsEntry("ssim", "0.810");
        assertThat(item.provenance()).containsEntry("runner", "runner-1");
        assertThat(item.provenanceJson()).contains("propagate");
        assertThat(item.leaseExpiresAt()).isNotNull();
    }

    @Test
    void twoCuratorsNeverGetTheSameSample() {
        long a = fixtures.sampleInReview(0.8);
        long b = fixtures.sampleInReview(0.8);

        signIn(alice, Role.CURATOR);
        long forAlice = reviews.next(alice).orElseThrow().sampleId();
        signIn(bob, Role.CURATOR);
        long forBob = reviews.next(bob).orElseThrow().sampleId();

        assertThat(Set.of(forAlice, forBob)).containsExactlyInAnyOrder(a, b);
        assertThat(reviews.next(bob, List.of(forBob))).as("alice holds the only other sample").isEmpty();
        signIn(alice, Role.CURATOR);
        assertThat(reviews.next(alice).orElseThrow().sampleId()).as("the held sample comes back").isEqualTo(forAlice);
    }

    @Test
    void concurrentClaimsAreExclusive() throws Exception {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            samples.add(fixtures.sampleInReview(0.8));
        }
        List<String> curators = List.of(alice, bob, fixtures.user("carol", Role.CURATOR), fixtures.user("dave", Role.ADMIN));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(curators.size());
        try {
            List<Future<List<Long>>> claims = new ArrayList<>();
            for (String curator : curators) {
                Callable<List<Long>> claimAll = () -> {
                    signIn(curator, curator.equals("dave") ? Role.ADMIN : Role.CURATOR);
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    Optional<ReviewItem> item;
                    while ((item = reviews.next(curator, mine)).isPresent()) {
                        mine.add(item.get().sampleId());
                    }
                    return mine;
                };
                claims.add(pool.submit(claimAll));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : claims) {
                all.addAll(f.get());
            }
            assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(samples);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExpiredLeaseReturnsTheSampleToTheQueue() {
        long sample = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);
        reviews.next(alice).orElseThrow();
        signIn(bob, Role.CURATOR);
        assertThat(reviews.next(bob)).isEmpty();

        jdbc.sql("update review_leases set lease_expires_at = now() - interval '1 second'").update();

        assertThat(reviews.next(bob).orElseThrow().sampleId()).isEqualTo(sample);
    }

    @Test
    void acceptAndRejectChangeTheStatusWithOutboxAndAudit() {
        long accepted = fixtures.sampleInReview(0.8);
        long rejected = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);

        var result = reviews.decide(alice, accepted, CuratorDecision.accept());
        reviews.decide(alice, rejected, CuratorDecision.reject(ReasonCode.FLICKER, "  flickers at 2s "));

        assertThat(result.statusBefore()).isEqualTo("IN_REVIEW");
        assertThat(result.statusAfter()).isEqualTo("ACCEPTED");
        assertThat(fixtures.status(accepted)).isEqualTo("ACCEPTED");
        assertThat(fixtures.status(rejected)).isEqualTo("REJECTED");
        assertThat(jdbc.sql("select reject_reason from samples where id = :id").param("id", rejected).query(String.class).single())
                .isEqualTo("FLICKER");
        assertThat(jdbc.sql("select note from reviews where sample_id = :id").param("id", rejected).query(String.class).single())
                .isEqualTo("flickers at 2s");
        assertThat(fixtures.outboxEvents(accepted)).isEqualTo(1);
        assertThat(fixtures.outboxEvents(rejected)).isEqualTo(1);
        var audit = fixtures.audit(rejected);
        assertThat(audit).hasSize(1);
        assertThat(audit.getFirst().action()).isEqualTo("review.reject");
        assertThat(audit.getFirst().actor()).isEqualTo("alice");
        assertThat(audit.getFirst().before()).contains("\"status\": \"IN_REVIEW\"");
        assertThat(audit.getFirst().after()).contains("\"status\": \"REJECTED\"").contains("FLICKER").contains("flickers at 2s");
        assertThat(reviews.stats(alice).decidedToday()).isEqualTo(2);
    }

    @Test
    void aDecidedSampleCannotBeDecidedAgain() {
        long sample = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);
        reviews.decide(alice, sample, CuratorDecision.accept());
        signIn(bob, Role.CURATOR);

        assertThatThrownBy(() -> reviews.decide(bob, sample, CuratorDecision.reject(ReasonCode.OTHER, null)))
                .isInstanceOf(ReviewConflictException.class).hasMessageContaining("ACCEPTED");
    }

    @Test
    void skipLeavesTheSampleInReviewForOthersButNotForTheSkipper() {
        long sample = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);
        reviews.next(alice).orElseThrow();

        reviews.decide(alice, sample, CuratorDecision.skip());

        assertThat(fixtures.status(sample)).isEqualTo("IN_REVIEW");
        assertThat(fixtures.outboxEvents(sample)).isZero();
        assertThat(fixtures.audit(sample)).extracting(CurationFixtures.AuditRow::action).containsExactly("review.skip");
        assertThat(reviews.next(alice)).isEmpty();
        signIn(bob, Role.CURATOR);
        assertThat(reviews.next(bob).orElseThrow().sampleId()).isEqualTo(sample);
    }

    @Test
    void undoRevertsTheLastDecisionAndHandsTheSampleBack() {
        long first = fixtures.sampleInReview(0.8);
        long second = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);
        reviews.decide(alice, first, CuratorDecision.accept());
        reviews.decide(alice, second, CuratorDecision.reject(ReasonCode.ARTIFACTS, null));

        ReviewItem back = reviews.undo(alice).orElseThrow();

        assertThat(back.sampleId()).isEqualTo(second);
        assertThat(back.leaseExpiresAt()).isNotNull();
        assertThat(fixtures.status(second)).isEqualTo("IN_REVIEW");
        assertThat(fixtures.status(first)).isEqualTo("ACCEPTED");
        assertThat(jdbc.sql("select reject_reason is null and decided_at is null from samples where id = :id")
                .param("id", second).query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("select undone_at is not null from reviews where sample_id = :id").param("id", second)
                .query(Boolean.class).single()).isTrue();
        assertThat(fixtures.outboxEvents(second)).isEqualTo(2);
        assertThat(fixtures.audit(second)).extracting(CurationFixtures.AuditRow::action).containsExactly("review.reject", "review.undo");
        assertThat(fixtures.audit(second).getLast().before()).contains("REJECTED").contains("ARTIFACTS");
        assertThat(reviews.history(alice, 10)).extracting(HistoryEntry::sampleId).containsExactly(second, first);
        signIn(bob, Role.CURATOR);
        assertThat(reviews.next(bob)).as("alice holds the undone sample").isEmpty();

        signIn(alice, Role.CURATOR);
        reviews.decide(alice, second, CuratorDecision.accept());
        assertThat(fixtures.status(second)).isEqualTo("ACCEPTED");
        assertThat(reviews.undo(alice).orElseThrow().sampleId()).isEqualTo(second);
        assertThat(reviews.undo(alice).orElseThrow().sampleId()).isEqualTo(first);
        assertThat(reviews.undo(alice)).isEmpty();
        assertThat(fixtures.status(first)).isEqualTo("IN_REVIEW");
    }

    @Test
    void bulkDecisionDecidesWhatIsInReviewAndExplainsTheRest() {
        long a = fixtures.sampleInReview(0.8);
        long b = fixtures.sampleInReview(0.8);
        long done = fixtures.sample("ACCEPTED", 0.9, "add snow");
        signIn(alice, Role.CURATOR);

        BulkResult result = reviews.decideAll(alice, List.of(a, b, done), CuratorDecision.reject(ReasonCode.LOW_QUALITY, null));

        assertThat(result.decided()).containsExactly(a, b);
        assertThat(result.refused()).containsOnlyKeys(done);
        assertThat(fixtures.status(a)).isEqualTo("REJECTED");
        assertThat(fixtures.status(b)).isEqualTo("REJECTED");
    }

    @Test
    void viewersReadButCannotDecide() {
        long sample = fixtures.sampleInReview(0.8);
        signIn("victor", Role.VIEWER);

        assertThat(reviews.item(sample)).isPresent();
        assertThatThrownBy(() -> reviews.next("victor")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> reviews.decide("victor", sample, CuratorDecision.accept())).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aCuratorCannotDecideAsSomeoneElse() {
        long sample = fixtures.sampleInReview(0.8);
        signIn(alice, Role.CURATOR);

        assertThatThrownBy(() -> reviews.decide(bob, sample, CuratorDecision.accept())).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void curatorVersusJudgeAgreement() {
        // The judge "accepts" at 0.6 and above; curators: (accept, judge yes), (reject, judge yes), (reject, no), (reject, no).
        long[] samples = {fixtures.sampleInReview(0.8), fixtures.sampleInReview(0.9), fixtures.sampleInReview(0.5),
                fixtures.sampleInReview(0.4)};
        signIn(alice, Role.CURATOR);
        reviews.decide(alice, samples[0], CuratorDecision.accept());
        reviews.decide(alice, samples[1], CuratorDecision.reject(ReasonCode.OTHER, null));
        reviews.decide(alice, samples[2], CuratorDecision.reject(ReasonCode.OTHER, null));
        reviews.decide(alice, samples[3], CuratorDecision.reject(ReasonCode.OTHER, null));

        Agreement agreement = reviews.agreement();

        assertThat(agreement.judgeComparisons()).isEqualTo(4);
        assertThat(agreement.judgePercent()).isEqualTo(75.0);
        assertThat(agreement.judgeKappa()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(agreement.curatorPairs()).isZero();
        assertThat(agreement.curatorKappa()).isNull();
    }

    @Test
    void mediaAnswersRangeRequestsWithPartialContent() throws Exception {
        byte[] video = new byte[4096];
        byte[] header = "\0\0\0\u0018ftypisom".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(header, 0, video, 0, header.length);
        for (int i = header.length; i < video.length; i++) {
            video[i] = (byte) (i * 31);
        }
        String key = blobs.put(new ByteArrayInputStream(video), 1 << 20, null).key();
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + port + "/media/blobs/" + key);
        String basic = "Basic " + Base64.getEncoder().encodeToString("admin:admin-test-password".getBytes(StandardCharsets.UTF_8));

        HttpResponse<byte[]> partial = http.send(HttpRequest.newBuilder(uri).header("Authorization", basic)
                .header("Range", "bytes=100-1099").build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> anonymous = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/media/blobs/"
                + "0".repeat(64))).header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(partial.statusCode()).isEqualTo(206);
        assertThat(partial.headers().firstValue("Content-Range")).contains("bytes 100-1099/4096");
        assertThat(partial.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("video/mp4"));
        assertThat(partial.body()).isEqualTo(Arrays.copyOfRange(video, 100, 1100));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(missing.statusCode()).isEqualTo(404);
    }
}
