package dev.ditto.curation;

import dev.ditto.users.Role;
import dev.ditto.users.UserService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/** Plain-SQL fixtures for curation tests: users, and samples in review with a source clip, key frames and a verdict. */
final class CurationFixtures {
    private final JdbcClient jdbc;
    private final UserService users;

    CurationFixtures(JdbcClient jdbc, UserService users) {
        this.jdbc = jdbc;
        this.users = users;
    }

    /** Removes every sample, review, lease, outbox event and audit entry, so each test starts from an empty queue. */
    void clean() {
        // the context's background work (the search indexer reading outbox then samples) can take its locks in the
        // other order; PostgreSQL then picks one side as the deadlock victim, and a retry gets through
        for (int attempt = 1; ; attempt++) {
            try {
                jdbc.sql("truncate review_leases, reviews, release_samples, samples, instructions, source_assets, sources, outbox,"
                        + " audit_log cascade").update();
                return;
            } catch (org.springframework.dao.PessimisticLockingFailureException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** A user with {@code role}, created once. */
    String user(String name, Role role) {
        if (users.findByUsername(name).isEmpty()) {
            users.create(name, "password-" + name, role, null);
        }
        return name;
    }

    /** Signs {@code name} in on this thread with {@code role}. */
    static void signIn(String name, Role role) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                name, "n/a", List.of(new SimpleGrantedAuthority(role.authority()))));
    }

    static void signOut() {
        SecurityContextHolder.clearContext();
    }

    /** A sample in review whose judge scored {@code judgeScore} overall. */
    long sampleInReview(double judgeScore) {
        return sample("IN_REVIEW", judgeScore, "make it look like a watercolour painting");
    }

    long sample(String status, double judgeScore, String instruction) {
        String sha = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        long source = jdbc.sql("""
                insert into sources (origin, original_name, blob_key, size_bytes, sha256, status, caption)
                values ('UPLOAD', 'cup.mp4', :key, 1000, :sha, 'READY', 'a hand rotating a cup') returning id""")
                .param("key", sha).param("sha", sha).query(Long.class).single();
        long clip = jdbc.sql("""
                insert into source_assets (source_id, kind, clip_index, blob_key, size_bytes, content_type, start_s, end_s)
                values (:s, 'CLIP', 0, :key, 1000, 'video/mp4', 0, 4) returning id""")
                .param("s", source).param("key", "c" + sha.substring(1)).query(Long.class).single();
        for (int i = 0; i < 2; i++) {
            jdbc.sql("""
                    insert into source_assets (source_id, kind, parent_id, blob_key, size_bytes, content_type, start_s)
                    values (:s, 'KEY_FRAME', :clip, :key, 100, 'image/jpeg', :t)""")
                    .param("s", source).param("clip", clip).param("key", "k" + i + sha.substring(2)).param("t", i * 2.0).update();
        }
        long instructionId = jdbc.sql("""
                insert into instructions (source_id, clip_id, category, text, edit_spec, engine, model, prompt_version)
                values (:s, :clip, 'GLOBAL_STYLE', :text, '{}', 'grammar', 'builtin', 'v1') returning id""")
                .param("s", source).param("clip", clip).param("text", instruction).query(Long.class).single();
        String verdict = """
                {"scores": {"safety": {"value": 1.0, "reason": "nothing unsafe"},
                            "instruction_following": {"value": %1$s, "reason": "style changed"},
                            "preservation": {"value": 0.7, "reason": "layout kept"}},
                 "overall": %1$s, "decision": "ACCEPT_TO_QUEUE", "engine": "metric", "model": "builtin", "promptVersion": "v1"}"""
                .formatted(judgeScore);
        return jdbc.sql("""
                insert into samples (source_id, clip_id, instruction_id, status, category, edited_blob_key, keyframe_blob_key,
                                     metrics, provenance, verdict, judge_score, judge_engine)
                values (:s, :clip, :i, :status, 'GLOBAL_STYLE', :edited, :kf, '{"ssim": 0.81, "flow_warp_error": 1.5}',
                        '{"runner": "runner-1", "stages": [{"name": "propagate", "engine": "builtin"}]}', cast(:verdict as jsonb),
                        :score, 'metric') returning id""")
                .param("s", source).param("clip", clip).param("i", instructionId).param("status", status)
                .param("edited", "e" + sha.substring(1)).param("kf", "f" + sha.substring(1))
                .param("verdict", verdict).param("score", judgeScore).query(Long.class).single();
    }

    String status(long sampleId) {
        return jdbc.sql("select status from samples where id = :id").param("id", sampleId).query(String.class).single();
    }

    long outboxEvents(long sampleId) {
        return jdbc.sql("select count(*) from outbox where aggregate = 'SAMPLE' and aggregate_id = :id")
                .param("id", sampleId).query(Long.class).single();
    }

    /** Audit entries for a sample: "action before after", oldest first. */
    List<AuditRow> audit(long sampleId) {
        return jdbc.sql("""
                select action, actor_name, before::text, after::text from audit_log
                where entity = 'sample' and entity_id = :id order by id""")
                .param("id", String.valueOf(sampleId))
                .query((rs, i) -> new AuditRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).list();
    }

    /** {@code method path} on the server at {@code port} as {@code user} (HTTP Basic with the fixtures' passwords). */
    static HttpResponse<String> call(int port, String method, String path, @Nullable String json, String user) throws Exception {
        String password = user.equals("admin") ? "admin-test-password" : "password-" + user;
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    record AuditRow(String action, String actor, @Nullable String before, @Nullable String after) {}
}
