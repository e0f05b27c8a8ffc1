package dev.ditto.imports;

import dev.ditto.audit.AuditLog;
import dev.ditto.settings.SettingsService;
import dev.ditto.sources.SourceService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * Folder and URL imports for admins, with the roots from {@code ditto.imports.roots} and the URL limits in force
 * (admin settings apply at once). Each import is audited with its counts; each new source is audited by ingest.
 */
@Service
@EnableConfigurationProperties(ImportProperties.class)
public class ImportService {
    private final SourceService sources;
    private final ImportProperties properties;
    private final SettingsService settings;
    private final AuditLog audit;

    ImportService(SourceService sources, ImportProperties properties, SettingsService settings, AuditLog audit) {
        this.sources = sources;
        this.properties = properties;
        this.settings = settings;
        this.audit = audit;
    }

    /** The configured roots; empty means folder import is disabled. */
    public List<Path> roots() {
        return properties.roots();
    }

    public int maxUrls() {
        return properties.maxUrls();
    }

    /** The URL limits in force now. */
    public UrlImporter.Limits urlLimits() {
        return new UrlImporter.Limits(settings.longValue(ImportSettings.IMPORT_MAX_DOWNLOAD_MB) * 1024 * 1024,
                Duration.ofSeconds(settings.longValue(ImportSettings.IMPORT_CONNECT_TIMEOUT)),
                Duration.ofSeconds(settings.longValue(ImportSettings.IMPORT_READ_TIMEOUT)),
                properties.maxRedirects());
    }

    /** Imports every video under {@code folder}; see {@link FolderImporter}. */
    public ImportReport importFolder(String folder) {
        ImportReport report = new FolderImporter(sources, properties.roots(), properties.extensions(), properties.maxFiles())
                .importFolder(folder);
        audit.record("import.folder", "import", null, null, Map.of("folder", folder, "imported", report.imported(),
                "alreadyPresent", report.alreadyPresent(), "refused", report.refused()));
        return report;
    }

    /** Downloads each URL; see {@link UrlImporter}. */
    public ImportReport importUrls(List<String> urls) {
        List<String> given = urls.stream().map(String::strip).filter(u -> !u.isEmpty()).toList();
        if (given.isEmpty()) {
            throw new ImportRefusedException("Give at least one http(s) URL.");
        }
        if (given.size() > properties.maxUrls()) {
            throw new ImportRefusedException("At most " + properties.maxUrls() + " URLs per import (ditto.imports.max-urls); "
                    + given.size() + " were given.");
        }
        ImportReport report = new UrlImporter(sources, HostResolver.SYSTEM, OutboundAddressPolicy.PUBLIC_ONLY, urlLimits())
                .importUrls(given);
        audit.record("import.urls", "import", null, null, Map.of("urls", given.size(), "imported", report.imported(),
                "alreadyPresent", report.alreadyPresent(), "refused", report.refused()));
        return report;
    }
}
