package dev.ditto.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ditto.blobs.SettableFreeSpace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The admin's warning before a disk fills: a threshold in MB, crossing logged once, health UP with the warning. */
class DiskSpaceWatchTest {
    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    final SettableFreeSpace space = new SettableFreeSpace();
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(DiskSpaceWatch.class);

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    @Test
    void aFolderBelowTheThresholdIsWarnedOnceAndReportedInHealthWithoutGoingDown() {
        DiskSpaceWatch watch = new DiskSpaceWatch(space, Map.of("blob store", dir, "PostgreSQL data", dir.resolve("pg")), 2048, 0);
        space.usable = 1500 * MB;

        watch.check();
        watch.check();

        assertThat(messages(Level.WARN)).containsExactly("The blob store folder " + dir + " has 1500 MB free"
                        + percentOf(1500 * MB) + "; free space before it fills (warned below ditto.disk.warn-free-mb / ditto.disk.warn-free-percent).",
                "The PostgreSQL data folder " + dir.resolve("pg") + " has 1500 MB free" + percentOf(1500 * MB)
                        + "; free space before it fills (warned below ditto.disk.warn-free-mb / ditto.disk.warn-free-percent).");
        Health health = watch.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat((List<?>) health.getDetails().get("warnings")).hasSize(2);
        assertThat(health.getDetails().get("blob store")).asString().contains("freeMb=1500").contains("low=true");
        assertThat(watch.warnings()).extracting(DiskSpaceWatch.Folder::name).containsExactly("blob store", "PostgreSQL data");

        space.usable = 3000 * MB;
        watch.check();
        watch.check();

        assertThat(messages(Level.INFO)).hasSize(2).allMatch(m -> m.endsWith("has 3000 MB free again"));
        assertThat(messages(Level.WARN)).hasSize(2);
        assertThat(watch.warnings()).isEmpty();
        assertThat((List<?>) watch.health().getDetails().get("warnings")).isEmpty();
    }

    @Test
    void aPercentageThresholdWarnsToo() {
        DiskSpaceWatch watch = new DiskSpaceWatch(space, Map.of("blob store", dir), 0, 100);
        space.usable = 3000 * MB; // less than 100 % of the disk is always free: low by the percentage alone

        assertThat(watch.warnings()).hasSize(1);
        assertThat(new DiskSpaceWatch(space, Map.of("blob store", dir), 0, 0).warnings()).isEmpty();
    }

    private String percentOf(long free) {
        try {
            long total = space.totalBytes(dir);
            return String.format(java.util.Locale.ROOT, " (%.1f%%)", 100.0 * free / total);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> messages(Level level) {
        return logged.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
