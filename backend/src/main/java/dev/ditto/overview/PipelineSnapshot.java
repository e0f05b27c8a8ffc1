package dev.ditto.overview;

import dev.ditto.samples.SampleStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The overview's figures at one instant; hourly series cover the last 24 hours, oldest first. */
public record PipelineSnapshot(
        Instant at,
        Map<String, Long> sources,
        long clips,
        Map<String, Long> jobs,
        Map<String, Long> samples,
        Map<String, Long> queueDepth,
        Fleet fleet,
        List<RunnerStatus> recentRunners,
        List<HourCount> generatedPerHour,
        List<HourDecisions> decisionsPerHour,
        List<ScoreBin> judgeScores) {

    /** Sample statuses in the order a sample passes them. */
    public static final List<String> SAMPLE_STAGES = java.util.stream.Stream.of(SampleStatus.QUEUED, SampleStatus.GENERATING,
            SampleStatus.JUDGING, SampleStatus.IN_REVIEW, SampleStatus.ACCEPTED, SampleStatus.REJECTED,
            SampleStatus.AUTO_REJECTED, SampleStatus.FAILED).map(Enum::name).toList();

    public PipelineSnapshot {
        sources = Map.copyOf(sources);
        jobs = Map.copyOf(jobs);
        samples = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(samples));
        queueDepth = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(queueDepth));
        recentRunners = List.copyOf(recentRunners);
        generatedPerHour = List.copyOf(generatedPerHour);
        decisionsPerHour = List.copyOf(decisionsPerHour);
        judgeScores = List.copyOf(judgeScores);
    }

    /**
     * The runners (not revoked) as counts, whatever their number: registered, alive (heard from within
     * {@link PipelineCounts#ALIVE}), never heard from, busy (holding at least one job lease) and the jobs they run.
     */
    public record Fleet(long registered, long alive, long neverSeen, long busy, long runningJobs) {
        /** Registered runners not heard from within {@link PipelineCounts#ALIVE} (or never). */
        public long offline() {
            return registered - alive;
        }
    }

    /** A registered runner: alive while it heartbeats, busy while it holds a job lease. */
    public record RunnerStatus(long id, String name, @Nullable String host, @Nullable String version, boolean alive,
                               boolean busy, long runningJobs, @Nullable Instant lastHeartbeat, long jobsDone,
                               long jobsFailed) {}

    /** Samples generated in one hour (GENERATE jobs that succeeded). */
    public record HourCount(Instant hour, long count) {}

    /** Decisions in one hour: curators' accepts and rejects, and the judge's auto-rejections. */
    public record HourDecisions(Instant hour, long accepted, long rejected, long autoRejected) {
        /** Curators' acceptance rate in percent, null without curator decisions. */
        public @Nullable Double acceptancePercent() {
            long decided = accepted + rejected;
            return decided == 0 ? null : 100.0 * accepted / decided;
        }
    }

    /** Judged samples whose overall score falls in [from, to): passed to review or later, and auto-rejected. */
    public record ScoreBin(double from, double to, long passed, long autoRejected) {}

    /** Samples waiting for a curator. */
    public long inReview() {
        return samples.getOrDefault(SampleStatus.IN_REVIEW.name(), 0L);
    }

    /** Total jobs waiting to be claimed. */
    public long queued() {
        return queueDepth.values().stream().mapToLong(Long::longValue).sum();
    }
}
