package dev.ditto.sources;

import dev.ditto.agent.caption.Caption;
import dev.ditto.agent.caption.CaptionInput;
import dev.ditto.agent.caption.CaptionRefusedException;
import dev.ditto.agent.caption.Captioner;
import dev.ditto.agent.caption.ProbeCaptioner;
import dev.ditto.agent.llm.ProviderErrors;
import dev.ditto.blobs.BlobStore;
import dev.ditto.campaigns.AgentEngines;
import dev.ditto.outbox.Outbox;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * Captions probed sources in the background, on its own thread so a slow model server never holds up the other
 * scheduled work: it claims one PENDING source (CAPTIONING, a lease token and expiry, in a short transaction), reads
 * its caption frames from the blob store when the captioner in force looks at pixels, calls the captioner with no
 * transaction open and under a hard time limit, then writes the caption only if its lease still holds (a person's
 * edit in the meantime wins). A refused answer (garbage, a refusal, instruction-like text) and a vision model that
 * keeps failing leave the source REFUSED or FAILED with the reason and the built-in caption from the probe's
 * measurements, so nothing waits forever and the next source goes on. Each written caption reindexes the source's
 * samples through the outbox.
 */
@Component
public class CaptionWorker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CaptionWorker.class);
    private static final int ERROR_CHARS = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final AgentEngines engines;
    private final BlobStore blobs;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final CaptionProperties properties;
    private final ProbeCaptioner fallback = new ProbeCaptioner();
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("caption-call-", 0).factory());
    private @Nullable ScheduledExecutorService loop;

    CaptionWorker(JdbcClient jdbc, TransactionTemplate tx, AgentEngines engines, BlobStore blobs, Outbox outbox,
                  ObjectMapper json, CaptionProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.engines = engines;
        this.blobs = blobs;
        this.outbox = outbox;
        this.json = json;
        this.properties = properties;
    }

    /** How one claimed source ended. */
    public enum Outcome { DONE, REFUSED, RETRY, FAILED, LEASE_LOST }

    /** Captions up to {@code max} waiting sources one after the other; returns how many it finished or deferred. */
    public int captionPending(int max) {
        int n = 0;
        while (n < max) {
            Optional<Claim> claim = claim();
            if (claim.isEmpty()) {
                break;
            }
            process(claim.get());
            n++;
        }
        return n;
    }

    private void drain() {
        try {
            captionPending(100);
        } catch (RuntimeException e) {
            log.warn("Captioning paused until the next poll: {}", e.getMessage());
        }
    }

    /** A source claimed for captioning: its lease token and what the captioner gets. */
    record Claim(long sourceId, UUID token, int attempt, CaptionInput input) {}

    Optional<Claim> claim() {
        UUID token = UUID.randomUUID();
        return Optional.ofNullable(tx.execute(status -> jdbc.sql("""
                update sources set caption_status = 'CAPTIONING', caption_lease_token = :token,
                       caption_lease_until = now() + make_interval(secs => :lease), caption_attempts = caption_attempts + 1
                where id = (select id from sources
                            where (caption_status = 'PENDING' and (caption_lease_until is null or caption_lease_until <= now()))
                               or (caption_status = 'CAPTIONING' and caption_lease_until <= now())
                            order by id limit 1 for update skip locked)
                returning id, caption_attempts, duration_s, tags, scores::text,
                          (select count(*) from source_assets a where a.source_id = sources.id and a.kind = 'CLIP')""")
                .param("token", token).param("lease", (double) properties.leaseSeconds())
                .query((rs, i) -> new Claim(rs.getLong(1), token, rs.getInt(2),
                        new CaptionInput(String.valueOf(rs.getLong(1)), (Double) rs.getObject(3), rs.getInt(6),
                                scores(rs.getString(5)), SourceService.strings(rs.getArray(4)), List.of())))
                .optional().orElse(null)));
    }

    /** Captions one claimed source outside any transaction and records how it went. */
    Outcome process(Claim claim) {
        Captioner captioner = engines.captioner();
        long id = claim.sourceId();
        CaptionInput input = claim.input();
        try {
            if (captioner.needsKeyFrames()) {
                input = new CaptionInput(input.sourceId(), input.durationSeconds(), input.clips(), input.scores(),
                        input.tags(), frames(id));
            }
            Caption caption = call(captioner, input);
            return write(claim, "DONE", caption, null);
        } catch (CaptionRefusedException e) {
            log.warn("Caption of source {} by {} refused: {}", id, captioner.engine(), e.reason());
            return write(claim, "REFUSED", fallback.caption(input.withoutFrames()),
                    captioner.engine() + " answer refused: " + e.reason());
        } catch (RuntimeException | IOException | TimeoutException e) {
            // what is stored is shown to every user: a model server's raw answer goes to the log only
            String reason = e instanceof TimeoutException
                    ? "no answer within " + properties.callTimeoutSeconds() + " s (ditto.captions.call-timeout-seconds)"
                    : ProviderErrors.describe(e);
            if (!(e instanceof TimeoutException)) {
                log.warn("Captioning source {} with {}: {}", id, captioner.engine(), String.valueOf(e));
            }
            if (claim.attempt() < properties.maxAttempts()) {
                log.warn("Captioning source {} with {} failed (attempt {}/{}), retrying later: {}", id,
                        captioner.engine(), claim.attempt(), properties.maxAttempts(), reason);
                return retryLater(claim, captioner.engine() + " failed on attempt " + claim.attempt() + " of "
                        + properties.maxAttempts() + ": " + reason);
            }
            log.warn("Captioning source {} with {} failed {} times; keeping the built-in caption: {}", id,
                    captioner.engine(), claim.attempt(), reason);
            return write(claim, "FAILED", fallback.caption(input.withoutFrames()), captioner.engine() + " failed "
                    + claim.attempt() + " time(s), last: " + reason);
        }
    }

    private Caption call(Captioner captioner, CaptionInput input) throws IOException, TimeoutException {
        Future<Caption> future = calls.submit(() -> captioner.caption(input));
        try {
            return future.get(properties.callTimeoutSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("captioning was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    private Outcome write(Claim claim, String status, Caption caption, @Nullable String error) {
        Boolean written = tx.execute(s -> {
            int n = jdbc.sql("""
                    update sources set caption = :caption, caption_status = :status, caption_engine = :engine,
                           caption_model = :model, caption_error = :error, caption_lease_token = null,
                           caption_lease_until = null, captioned_at = now(), updated_at = now()
                    where id = :id and caption_status = 'CAPTIONING' and caption_lease_token = :token""")
                    .param("caption", caption.text()).param("status", status).param("engine", caption.engine())
                    .param("model", caption.model()).param("error", clip(error))
                    .param("id", claim.sourceId()).param("token", claim.token()).update();
            if (n > 0) {
                outbox.changed(Outbox.Aggregate.SOURCE, claim.sourceId());
            }
            return n > 0;
        });
        if (!Boolean.TRUE.equals(written)) {
            log.info("Caption of source {} not written: its claim was taken over or a person edited it", claim.sourceId());
            return Outcome.LEASE_LOST;
        }
        return Outcome.valueOf(status);
    }

    private Outcome retryLater(Claim claim, String error) {
        int n = jdbc.sql("""
                update sources set caption_status = 'PENDING', caption_error = :error, caption_lease_token = null,
                       caption_lease_until = now() + make_interval(secs => :wait), updated_at = now()
                where id = :id and caption_status = 'CAPTIONING' and caption_lease_token = :token""")
                .param("error", clip(error)).param("wait", (double) properties.retryAfterSeconds() * claim.attempt())
                .param("id", claim.sourceId()).param("token", claim.token()).update();
        return n > 0 ? Outcome.RETRY : Outcome.LEASE_LOST;
    }

    /** The source's caption frames in time order (each clip's, else its key frame), at most max-frames, spread evenly. */
    private List<byte[]> frames(long sourceId) throws IOException {
        List<String> keys = new ArrayList<>();
        jdbc.sql("""
                select c.caption_frames,
                       (select k.blob_key from source_assets k where k.parent_id = c.id and k.kind = 'KEY_FRAME' order by k.id limit 1)
                from source_assets c where c.source_id = :id and c.kind = 'CLIP' order by c.clip_index""")
                .param("id", sourceId)
                .query((rs, i) -> {
                    List<String> own = framesOf(rs.getArray(1));
                    if (!own.isEmpty()) {
                        keys.addAll(own);
                    } else if (rs.getString(2) != null) {
                        keys.add(rs.getString(2));
                    }
                    return null;
                }).list();
        List<byte[]> frames = new ArrayList<>();
        for (String key : spread(keys, properties.maxFrames())) {
            try (InputStream in = blobs.open(key)) {
                frames.add(in.readAllBytes());
            } catch (IOException e) {
                log.warn("Caption frame {} of source {} is unreadable, captioning without it: {}", key, sourceId, e.getMessage());
            }
        }
        return frames;
    }

    private static List<String> framesOf(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    /** At most {@code max} items, evenly spread, first and last kept. */
    static <T> List<T> spread(List<T> items, int max) {
        if (items.size() <= max) {
            return items;
        }
        List<T> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(items.get(max == 1 ? items.size() / 2 : (int) Math.round(i * (items.size() - 1) / (double) (max - 1))));
        }
        return out;
    }

    private Map<String, Double> scores(@Nullable String text) {
        if (text == null) {
            return Map.of();
        }
        Map<String, Double> parsed = json.readValue(text, new TypeReference<Map<String, Double>>() {});
        parsed.values().removeIf(v -> v == null);
        return parsed;
    }

    private static @Nullable String clip(@Nullable String error) {
        if (error == null) {
            return null;
        }
        String one = error.replaceAll("\\s+", " ").strip();
        return one.length() > ERROR_CHARS ? one.substring(0, ERROR_CHARS) + "…" : one;
    }

    @Override
    public synchronized void start() {
        if (!properties.enabled() || loop != null) {
            return;
        }
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "caption-worker");
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(this::drain, properties.pollMs(), properties.pollMs(), TimeUnit.MILLISECONDS);
        log.info("Caption worker started: {} every {} ms", engines.captionerDescription(), properties.pollMs());
    }

    @Override
    public synchronized void stop() {
        if (loop != null) {
            loop.shutdownNow();
            loop = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return loop != null;
    }

    /** Stops before the data source and blob store it uses. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    @Override
    public String toString() {
        return "CaptionWorker[" + properties + "]";
    }
}
