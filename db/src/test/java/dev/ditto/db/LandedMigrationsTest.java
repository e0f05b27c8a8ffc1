package dev.ditto.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A landed migration never changes: Flyway refuses to upgrade a database whose applied migration's checksum differs
 * from the file's. {@code landed-migrations.txt} records the sha256 of every migration as it landed; a migration
 * edited afterwards fails here, and a new one must be recorded there when it lands (add its line; never edit one).
 */
class LandedMigrationsTest {
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    private static final Path LANDED = Path.of("src/test/resources/landed-migrations.txt");

    @Test
    void noLandedMigrationWasEditedAndEveryMigrationIsRecorded() throws Exception {
        Map<String, String> landed = landed();
        Map<String, String> now = current();
        for (Map.Entry<String, String> e : landed.entrySet()) {
            assertThat(now).as("landed migration %s is still there", e.getKey()).containsKey(e.getKey());
            assertThat(now.get(e.getKey())).as("%s changed after it landed: add a new migration instead of editing it",
                    e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(landed.keySet()).as("every migration is recorded in %s (add the new one's sha256 there)", LANDED)
                .containsAll(now.keySet());
    }

    @Test
    void versionsAreUniqueAndNamedTheFlywayWay() throws Exception {
        Map<Integer, String> versions = new TreeMap<>();
        for (String name : current().keySet()) {
            assertThat(name).matches("V\\d+__[a-z0-9_]+\\.sql");
            int v = Integer.parseInt(name.substring(1, name.indexOf("__")));
            assertThat(versions.put(v, name)).as("version %d is used twice", v).isNull();
        }
    }

    private static Map<String, String> landed() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(LANDED)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+");
            out.put(parts[0], parts[1]);
        }
        return out;
    }

    private static Map<String, String> current() throws IOException, NoSuchAlgorithmException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".sql")).toList()) {
                out.put(f.getFileName().toString(), sha256(Files.readAllBytes(f)));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

}
