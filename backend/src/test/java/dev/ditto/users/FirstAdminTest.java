package dev.ditto.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated admin password lives only in an owner-only file; the log names the file, never the password. */
class FirstAdminTest {
    @TempDir Path tmp;

    @Test
    void theSecretFileIsOwnerOnlyAndReplacesAnOlderOne() throws IOException {
        Path file = tmp.resolve("data/admin-password.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old, world-readable\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        FirstAdmin.writeOwnerOnly(file, "s3cret\n");

        assertThat(Files.readString(file)).isEqualTo("s3cret\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void theLogLineSaysWhereThePasswordIsButNotThePassword() {
        String line = FirstAdmin.generatedMessage("admin", tmp.resolve("admin-password.txt"));

        assertThat(line).contains("admin").contains(tmp.resolve("admin-password.txt").toString()).doesNotContain("{}");
    }

    @Test
    void theScrapeTokenMatchesOnlyItselfAndNeverWhenUnset() {
        assertThat(ApiSecurityConfiguration.bearerMatches("Bearer tok-123", "tok-123")).isTrue();
        assertThat(ApiSecurityConfiguration.bearerMatches("Bearer tok-124", "tok-123")).isFalse();
        assertThat(ApiSecurityConfiguration.bearerMatches("Basic dG9rLTEyMw==", "tok-123")).isFalse();
        assertThat(ApiSecurityConfiguration.bearerMatches(null, "tok-123")).isFalse();
        assertThat(ApiSecurityConfiguration.bearerMatches("Bearer ", "")).isFalse();
    }
}
