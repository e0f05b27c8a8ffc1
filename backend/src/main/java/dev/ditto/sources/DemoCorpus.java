package dev.ditto.sources;

import dev.ditto.platform.DittoProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * On first start, ingests the real clips that ship in Debian's opencv-doc (pedestrians outdoors, a hand moving
 * a box, a hand turning a cup); their PROBE jobs cut them into training clips. Animated or branded clips in
 * that package (the Megamind trailer) are deliberately left out: nothing the project publishes may hold them.
 */
@Component
@Order(10)
class DemoCorpus implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(DemoCorpus.class);

    /** Relative to the opencv-doc folder; {@code .gz} files are decompressed while streaming. */
    static final List<String> CLIPS = List.of(
            "examples/data/vtest.avi",
            "opencv4/html/box.mp4.gz",
            "opencv4/html/cup.mp4.gz");

    private final SourceService sources;
    private final JdbcClient jdbc;
    private final DittoProperties properties;

    DemoCorpus(SourceService sources, JdbcClient jdbc, DittoProperties properties) {
        this.sources = sources;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!properties.demo().enabled()) {
            return;
        }
        boolean loaded = jdbc.sql("select exists (select 1 from sources where origin = 'DEMO')").query(Boolean.class).single();
        if (loaded) {
            return;
        }
        Thread.ofVirtual().name("demo-corpus").start(() -> load(properties.demo().clipsDir()));
    }

    void load(Path dir) {
        List<Path> files = new ArrayList<>();
        for (String clip : CLIPS) {
            Path file = dir.resolve(clip);
            if (Files.isRegularFile(file)) {
                files.add(file);
            } else {
                log.warn("Demo corpus: {} is missing (install Debian's opencv-doc; ./ditto up does)", file);
            }
        }
        int done = 0;
        for (Path file : files) {
            String name = file.getFileName().toString().replaceFirst("\\.gz$", "");
            try (InputStream raw = Files.newInputStream(file);
                 InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                IngestResult result = sources.ingest(in, name, SourceService.Origin.DEMO, file.toString());
                done++;
                log.info("Demo corpus: {}/{} ingested ({}, source {}); its PROBE job cuts it into clips",
                        done, files.size(), name, result.sourceId());
            } catch (IOException | RuntimeException e) {
                log.error("Demo corpus: {} could not be ingested: {}", name, e.getMessage());
            }
        }
    }
}
