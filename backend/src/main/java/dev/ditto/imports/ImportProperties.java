package dev.ditto.imports;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ditto.imports.*}: the server folders an admin may import from (none by default, which disables folder
 * import), the video extensions picked up there, and the limits of URL downloads.
 */
@ConfigurationProperties("ditto.imports")
public record ImportProperties(
        @DefaultValue List<Path> roots,
        @DefaultValue({"mp4", "mov", "m4v", "avi", "mkv", "webm", "flv", "mpg", "mpeg", "ts", "ogv", "wmv", "asf"})
        List<String> extensions,
        @DefaultValue("10000") int maxFiles,
        @DefaultValue("100") int maxUrls,
        @DefaultValue("2048") long maxDownloadMb,
        @DefaultValue("10") int connectTimeoutSeconds,
        @DefaultValue("30") int readTimeoutSeconds,
        @DefaultValue("3") int maxRedirects) {

    public ImportProperties {
        roots = List.copyOf(roots);
        extensions = extensions.stream().map(e -> e.toLowerCase(java.util.Locale.ROOT).replaceFirst("^\\.", "")).toList();
    }
}
