package dev.ditto.users;

import dev.ditto.platform.DittoProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Creates the first admin from configuration when no admin exists. Without a configured password one is
 * generated and written only to {@code <data-dir>/admin-password.txt}, created owner-only (0600) before a byte of
 * it is written; the log says where the file is, never the password.
 */
@Component
@Order(0)
class FirstAdmin implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);
    private final UserService users;
    private final DittoProperties properties;

    FirstAdmin(UserService users, DittoProperties properties) {
        this.users = users;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (users.anyAdmin()) {
            return;
        }
        String username = properties.security().adminUsername();
        String password = properties.security().adminPassword();
        if (password == null || password.isBlank()) {
            byte[] bytes = new byte[9];
            new SecureRandom().nextBytes(bytes);
            password = HexFormat.of().formatHex(bytes);
            Path file = properties.dataDir().resolve("admin-password.txt");
            writeOwnerOnly(file, password + "\n");
            log.warn(generatedMessage(username, file));
        } else {
            log.info("Created the first admin '{}' from configuration", username);
        }
        users.create(username, password, Role.ADMIN, "Administrator");
    }

    static String generatedMessage(String username, Path file) {
        return "Created the first admin '" + username + "' with a generated password: it is in " + file.toAbsolutePath()
                + " (readable by this user only). Sign in, change it under Settings, then delete the file.";
    }

    /** Writes a secret to a file that is owner-only from its creation (an older file is replaced). */
    static void writeOwnerOnly(Path file, String secret) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret);
    }
}
