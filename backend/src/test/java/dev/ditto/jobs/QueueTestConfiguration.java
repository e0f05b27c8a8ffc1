package dev.ditto.jobs;

import dev.ditto.protocol.JobType;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The queue tests' settable clock and a handler that records every outcome it is told about. */
@TestConfiguration(proxyBeanMethods = false)
public class QueueTestConfiguration {

    @Bean
    @Primary
    public MutableClock mutableClock() {
        return new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @Bean
    public RecordingHandler recordingProbeHandler() {
        return new RecordingHandler(JobType.PROBE);
    }

    /** Remembers the completions and parkings of one job type, in order. */
    public static final class RecordingHandler implements JobResultHandler {
        private final JobType type;
        public final List<CompletedJob> completed = new CopyOnWriteArrayList<>();
        public final List<ParkedJob> parked = new CopyOnWriteArrayList<>();

        RecordingHandler(JobType type) {
            this.type = type;
        }

        @Override
        public JobType type() {
            return type;
        }

        @Override
        public void completed(CompletedJob job) {
            completed.add(job);
        }

        @Override
        public void parked(ParkedJob job) {
            parked.add(job);
        }

        public long completionsOf(long jobId) {
            return completed.stream().filter(j -> j.jobId() == jobId).count();
        }

        public long parkingsOf(long jobId) {
            return parked.stream().filter(j -> j.jobId() == jobId).count();
        }
    }
}
