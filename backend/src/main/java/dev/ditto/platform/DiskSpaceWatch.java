package dev.ditto.platform;

import dev.ditto.db.embedded.ServerFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Warns before a disk fills: the free space of the blob store's folder and, when the server runs them itself, of the
 * embedded PostgreSQL's and Elasticsearch's data folders, against {@code ditto.disk.warn-free-mb} (default 2048) and
 * {@code ditto.disk.warn-free-percent} (default 5; 0 = off): a folder is low when either is crossed. Checked every
 * {@code ditto.disk.check-interval-ms} (60 s); crossing is logged once (WARN), and again (INFO) when space returns.
 * The health component {@code diskFree} lists the folders and their warnings; it stays UP (a warning, not an outage),
 * and the dashboard's Overview shows admins the warnings.
 */
@Component("diskFree")
public class DiskSpaceWatch implements HealthIndicator {
    private static final Logger log = LoggerFactory.getLogger(DiskSpaceWatch.class);
    private static final long MB = 1024 * 1024;

    private final FreeSpace freeSpace;
    private final Map<String, Path> folders;
    private final long warnFreeMb;
    private final double warnFreePercent;
    private final Map<String, Boolean> low = new ConcurrentHashMap<>();

    @Autowired
    DiskSpaceWatch(FreeSpace freeSpace, DittoProperties properties, EmbeddedInfrastructure infrastructure,
                   @Value("${ditto.disk.warn-free-mb:2048}") long warnFreeMb,
                   @Value("${ditto.disk.warn-free-percent:5}") double warnFreePercent) {
        this(freeSpace, folders(properties, infrastructure), warnFreeMb, warnFreePercent);
    }

    DiskSpaceWatch(FreeSpace freeSpace, Map<String, Path> folders, long warnFreeMb, double warnFreePercent) {
        this.freeSpace = freeSpace;
        this.folders = Map.copyOf(folders);
        this.warnFreeMb = warnFreeMb;
        this.warnFreePercent = warnFreePercent;
    }

    /** One watched folder as last measured. */
    public record Folder(String name, Path path, long freeBytes, long totalBytes, boolean low) {
        /** The sentence an admin reads. */
        public String warning() {
            return "The " + name + " folder " + path + " has " + FreeSpace.mb(freeBytes) + " MB free"
                    + (totalBytes > 0 ? String.format(java.util.Locale.ROOT, " (%.1f%%)", 100.0 * freeBytes / totalBytes) : "")
                    + "; free space before it fills (warned below ditto.disk.warn-free-mb / ditto.disk.warn-free-percent).";
        }
    }

    /** Every watched folder, measured now, in a stable order (blob store, PostgreSQL, Elasticsearch). */
    public List<Folder> folders() {
        List<Folder> measured = new ArrayList<>();
        for (String name : List.of("blob store", "PostgreSQL data", "Elasticsearch data")) {
            Path path = folders.get(name);
            if (path == null) {
                continue;
            }
            try {
                Path onDisk = existing(path);
                long free = freeSpace.usableBytes(onDisk);
                long total = freeSpace.totalBytes(onDisk);
                boolean isLow = free < warnFreeMb * MB || (warnFreePercent > 0 && total > 0 && free * 100.0 < warnFreePercent * total);
                measured.add(new Folder(name, path, free, total, isLow));
            } catch (IOException e) {
                log.debug("Free space of {} unknown: {}", path, e.getMessage());
            }
        }
        return measured;
    }

    /** The folders that are low on space now. */
    public List<Folder> warnings() {
        return folders().stream().filter(Folder::low).toList();
    }

    /** Logs each folder's crossing once: WARN when it becomes low, INFO when space returns. */
    @Scheduled(fixedDelayString = "${ditto.disk.check-interval-ms:60000}", initialDelayString = "${ditto.disk.check-interval-ms:60000}")
    public void check() {
        for (Folder folder : folders()) {
            Boolean was = low.put(folder.name(), folder.low());
            if (folder.low() && !Boolean.TRUE.equals(was)) {
                log.warn("{}", folder.warning());
            } else if (!folder.low() && Boolean.TRUE.equals(was)) {
                log.info("The {} folder {} has {} MB free again", folder.name(), folder.path(), FreeSpace.mb(folder.freeBytes()));
            }
        }
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (Folder folder : folders()) {
            details.put(folder.name(), Map.of("path", folder.path().toString(), "freeMb", FreeSpace.mb(folder.freeBytes()),
                    "totalMb", FreeSpace.mb(folder.totalBytes()), "low", folder.low()));
            if (folder.low()) {
                warnings.add(folder.warning());
            }
        }
        details.put("warnFreeMb", warnFreeMb);
        details.put("warnFreePercent", warnFreePercent);
        details.put("warnings", warnings);
        return Health.up().withDetails(details).build();
    }

    /** The folder, or its nearest parent that exists (a data folder not created yet lives on the same disk). */
    private static Path existing(Path folder) {
        Path p = folder;
        while (p.getParent() != null && !java.nio.file.Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    private static Map<String, Path> folders(DittoProperties properties, EmbeddedInfrastructure infrastructure) {
        Map<String, Path> folders = new LinkedHashMap<>();
        folders.put("blob store", properties.blobDir().toAbsolutePath().normalize());
        Path data = ServerFolder.existing(properties.dataDir().toAbsolutePath().normalize());
        if (infrastructure.postgres() != null) {
            folders.put("PostgreSQL data", data.resolve("postgres"));
        }
        if (infrastructure.elasticsearch() != null) {
            folders.put("Elasticsearch data", data.resolve("elasticsearch"));
        }
        return folders;
    }
}
