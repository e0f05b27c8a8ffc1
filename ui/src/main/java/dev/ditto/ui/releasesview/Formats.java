package dev.ditto.ui.releasesview;

import com.vaadin.flow.component.Component;
import dev.ditto.releases.Publication;
import dev.ditto.releases.Release;
import dev.ditto.releases.SemanticVersion;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Text for sizes, rates, durations, counts and badges, shared by the releases views. */
final class Formats {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private Formats() {}

    static <C extends Component> C id(C c, String testId) {
        c.getElement().setAttribute("data-testid", testId);
        return c;
    }

    /** {@code 1.5 GiB}, {@code 312 B}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    /** {@code 12.3 MiB/s}, or a dash before a rate is known. */
    static String rate(@Nullable Double bytesPerSecond) {
        return bytesPerSecond == null ? "–" : bytes(Math.round(bytesPerSecond)) + "/s";
    }

    /** {@code 1h 02m}, {@code 3m 05s}, {@code 42s}, or a dash before an estimate exists. */
    static String duration(@Nullable Long seconds) {
        if (seconds == null) {
            return "–";
        }
        long s = Math.max(0, seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return s + "s";
    }

    /** {@code global_style 120 · local_add 40}. */
    /** A measure with three decimals; empty when there is none. */
    static String decimal(@Nullable Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A change with its sign: {@code +0.012}, {@code -0.100}. */
    static String signed(double v) {
        return String.format(Locale.ROOT, "%+.3f", v);
    }

    static String counts(Map<String, Long> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().toLowerCase(Locale.ROOT) + " " + e.getValue())
                .collect(Collectors.joining(" · "));
    }

    /** The progress of a publication as a line of text: files, bytes, rate, time left. */
    static String progress(Publication p) {
        StringBuilder text = new StringBuilder();
        text.append(p.filesDone()).append(" / ").append(p.filesTotal()).append(" files · ")
                .append(bytes(p.bytesDone())).append(" / ").append(bytes(p.bytesTotal()));
        if (p.state() == Publication.State.RUNNING) {
            text.append(" · ").append(rate(p.bytesPerSecond())).append(" · ").append(duration(p.etaSeconds())).append(" left");
        }
        return text.toString();
    }

    /** The fraction done, by bytes where they are known and by files otherwise. */
    static double fraction(Publication p) {
        if (p.state() == Publication.State.DONE) {
            return 1;
        }
        if (p.bytesTotal() > 0) {
            return Math.min(1, p.bytesDone() / (double) p.bytesTotal());
        }
        return p.filesTotal() > 0 ? Math.min(1, p.filesDone() / (double) p.filesTotal()) : 0;
    }

    static String badge(Release.State state) {
        return switch (state) {
            case BUILT -> "success";
            case PUBLISHED -> "success primary";
            case FAILED -> "error";
            case DRAFT, BUILDING -> "contrast";
        };
    }

    static String badge(Publication.State state) {
        return switch (state) {
            case DONE -> "success";
            case FAILED, CANCELLED -> "error";
            case QUEUED, RUNNING -> "contrast";
        };
    }

    /** The version after the highest one released under {@code name}: its minor bumped; 1.0.0 for a new name. */
    static String nextVersion(String name, Collection<Release> releases) {
        Optional<SemanticVersion> latest = releases.stream().filter(r -> r.name().equals(name.strip()))
                .map(r -> parse(r.version())).flatMap(Optional::stream).max(SemanticVersion::compareTo);
        return latest.map(v -> v.major() + "." + (v.minor() + 1) + ".0").orElse("1.0.0");
    }

    private static Optional<SemanticVersion> parse(String version) {
        try {
            return Optional.of(SemanticVersion.parse(version));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code url} is a link a browser may open (http or https); a folder target's file: location is not. */
    static boolean isWebLink(String url) {
        String lower = url.strip().toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }

    /** A location as text: a file: URL as its path on the server. */
    static String location(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url.strip());
            return "file".equalsIgnoreCase(uri.getScheme()) && uri.getPath() != null ? uri.getPath() : url;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
