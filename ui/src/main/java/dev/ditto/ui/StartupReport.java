package dev.ditto.ui;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ApplicationListener;
import org.springframework.core.metrics.StartupStep;

/**
 * Where the start-up went, with {@code -Dditto.startup-report=true}: Spring records every step of the context's
 * refresh, and once the server is ready the beans that took longest to create (their own time, without the
 * beans they needed) are logged in one line each, {@code Slowest bean: <ms> ms <name>}. {@code ./ditto bench
 * startup} turns these lines into {@code bench-results/startup.json}. Off by default: recording costs memory.
 */
final class StartupReport implements ApplicationListener<ApplicationReadyEvent> {
    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);
    static final String PROPERTY = "ditto.startup-report";

    private final BufferingApplicationStartup recording;
    private final int shown;

    StartupReport(BufferingApplicationStartup recording, int shown) {
        this.recording = recording;
        this.shown = shown;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        StartupTimeline timeline = recording.getBufferedTimeline();
        Map<Long, Duration> childTime = new HashMap<>();
        for (StartupTimeline.TimelineEvent e : timeline.getEvents()) {
            Long parent = e.getStartupStep().getParentId();
            if (parent != null) {
                childTime.merge(parent, e.getDuration(), Duration::plus);
            }
        }
        List<BeanTime> beans = timeline.getEvents().stream()
                .filter(e -> e.getStartupStep().getName().equals("spring.beans.instantiate"))
                .map(e -> new BeanTime(beanName(e.getStartupStep()),
                        e.getDuration().minus(childTime.getOrDefault(e.getStartupStep().getId(), Duration.ZERO))))
                .sorted(Comparator.comparing(BeanTime::self).reversed())
                .limit(shown)
                .toList();
        for (BeanTime b : beans) {
            log.info("Slowest bean: {} ms {}", b.self().toMillis(), b.name());
        }
    }

    private static String beanName(StartupStep step) {
        for (StartupStep.Tag tag : step.getTags()) {
            if (tag.getKey().equals("beanName")) {
                return tag.getValue();
            }
        }
        return "?";
    }

    private record BeanTime(String name, Duration self) {}
}
