package dev.ditto.db.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions of the embedded distributions, filled in by the build from the root pom. */
public final class Versions {
    private static final Properties PROPERTIES = load();

    private Versions() {}

    public static String postgres() {
        return PROPERTIES.getProperty("postgres");
    }

    public static String elasticsearch() {
        return PROPERTIES.getProperty("elasticsearch");
    }

    public static String s3proxy() {
        return PROPERTIES.getProperty("s3proxy");
    }

    private static Properties load() {
        try (InputStream in = Versions.class.getResourceAsStream("versions.properties")) {
            Properties p = new Properties();
            if (in == null) {
                throw new IllegalStateException("versions.properties missing from the ditto-db jar");
            }
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
