package dev.ditto.localrunner;

import dev.ditto.runners.RunnerInfo;
import dev.ditto.runners.RunnerTokens;
import dev.ditto.platform.BearerSecrets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * valid token of this server's local runner, creating one (owner-only file) when it is missing or revoked.
 *
 * <p>Each token file has a runner of its own, named {@value #NAME}{@code @<host>-<6 hex digits of the file's path>}:
 * servers sharing one database on separate data folders (or machines) each keep their local runner, and a server
 * whose file was lost revokes only the runner that file belonged to. A file holding a valid token of another name
 * (one written before the names were per file, {@value #NAME}) is kept as it is.
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
        String name = nameFor(file);
        // its token file is gone: a new token replaces it
        tokens.findActiveByName(name).map(RunnerInfo::id).ifPresent(tokens::revoke);
        var created = tokens.create(name);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".token", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, created.token());
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("Created the token of the local runner {} ({}…) in {}", name, created.tokenHint(), file);
    }

    /** The local runner's name for this token file on this machine: at most 64 characters a runner name allows. */
    static String nameFor(Path tokenFile) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        host = host.replaceAll("[^A-Za-z0-9.-]", "-");
        String path = BearerSecrets.hash(tokenFile.toAbsolutePath().normalize().toString()).substring(0, 6);
        String prefix = NAME + "@";
        return prefix + host.substring(0, Math.min(host.length(), 64 - prefix.length() - 7)) + "-" + path;
    }
}
