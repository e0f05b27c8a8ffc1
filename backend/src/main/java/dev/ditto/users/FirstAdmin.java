package dev.ditto.users;

import dev.ditto.platform.DittoProperties;
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
 * generated, written to {@code <data-dir>/admin-password.txt} (owner-only) and logged once.
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
            Files.createDirectories(file.getParent());
            Files.writeString(file, password + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            log.warn("Created the first admin '{}' with password '{}' (also in {}). Change it under Settings.",
                    username, password, file.toAbsolutePath());
        } else {
            log.info("Created the first admin '{}' from configuration", username);
        }
        users.create(username, password, Role.ADMIN, "Administrator");
    }
}
