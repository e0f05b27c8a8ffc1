package dev.ditto.localrunner;

import dev.ditto.runners.RunnerInfo;
import dev.ditto.runners.RunnerTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * When {@code ditto.runner.local-token-file} is set (as {@code ./ditto up} does), makes sure that file holds a
 * valid token of the runner named {@value #NAME}, creating one (owner-only file) when it is missing or revoked.
 */
@Component
@Order(1)
class LocalRunnerToken implements ApplicationRunner {
    static final String NAME = "local-runner";
    private static final Logger log = LoggerFactory.getLogger(LocalRunnerToken.class);

    private final RunnerTokens tokens;
    private final String tokenFile;

    LocalRunnerToken(RunnerTokens tokens, @Value("${ditto.runner.local-token-file:}") String tokenFile) {
        this.tokens = tokens;
        this.tokenFile = tokenFile;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (tokenFile.isBlank()) {
            return;
        }
        Path file = Path.of(tokenFile);
        if (Files.exists(file)) {
            String token = Files.readString(file).strip();
            if (tokens.findByToken(token).filter(r -> r.revokedAt() == null).isPresent()) {
                return;
            }
        }
        for (RunnerInfo runner : tokens.list()) {
            if (runner.name().equalsIgnoreCase(NAME) && runner.revokedAt() == null) {
                tokens.revoke(runner.id()); // its token file is gone: a new token replaces it
            }
        }
        var created = tokens.create(NAME);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".token", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, created.token());
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("Created the token of the local runner ({}…) in {}", created.tokenHint(), file);
    }
}
