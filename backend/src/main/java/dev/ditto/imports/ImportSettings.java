package dev.ditto.imports;

import static dev.ditto.settings.Setting.Kind.INTEGER;

import dev.ditto.settings.ListedSettings;
import dev.ditto.settings.Setting;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The URL import limits an admin may change; {@link ImportService} reads them on every import. */
@Component
@Order(30)
public class ImportSettings extends ListedSettings {
    public static final Setting IMPORT_MAX_DOWNLOAD_MB = Setting.of("imports.max-download-mb", "URL import: largest download in MB",
            INTEGER, "2048");
    public static final Setting IMPORT_CONNECT_TIMEOUT = Setting.of("imports.connect-timeout-seconds",
            "URL import: connect timeout (s)", INTEGER, "10");
    public static final Setting IMPORT_READ_TIMEOUT = Setting.of("imports.read-timeout-seconds", "URL import: read timeout (s)",
            INTEGER, "30");

    ImportSettings() {
        super("URL import", IMPORT_MAX_DOWNLOAD_MB, IMPORT_CONNECT_TIMEOUT, IMPORT_READ_TIMEOUT);
    }
}
