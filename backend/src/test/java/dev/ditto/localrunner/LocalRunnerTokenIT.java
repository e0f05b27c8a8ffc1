package dev.ditto.localrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ditto.jobs.QueueIntegrationTest;
import dev.ditto.runners.RunnerInfo;
import dev.ditto.runners.RunnerTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two servers on one database, each with its own data folder (so its own local runner's token file): neither cuts
 * the other's local runner off, and a server whose file is lost replaces only its own runner's token.
 */
@QueueIntegrationTest
class LocalRunnerTokenIT {
    @Autowired RunnerTokens tokens;

    @Test
    void serversOnSeparateDataFoldersKeepTheirOwnLocalRunners(@TempDir Path serverA, @TempDir Path serverB) throws Exception {
        Path fileA = serverA.resolve("local-runner.token");
        Path fileB = serverB.resolve("local-runner.token");

        new LocalRunnerToken(tokens, fileA.toString()).run(null);
        new LocalRunnerToken(tokens, fileB.toString()).run(null);
        String tokenA = Files.readString(fileA).strip();
        String tokenB = Files.readString(fileB).strip();

        assertThat(active(tokenA)).as("A's local runner after B started").isPresent();
        assertThat(active(tokenB)).isPresent();
        assertThat(active(tokenA).orElseThrow().name()).isNotEqualTo(active(tokenB).orElseThrow().name())
                .startsWith("local-runner@");

        Files.delete(fileB); // B's data folder lost its file: B's runner gets a new token, A's is untouched
        new LocalRunnerToken(tokens, fileB.toString()).run(null);
        String newB = Files.readString(fileB).strip();

        assertThat(newB).isNotEqualTo(tokenB);
        assertThat(active(tokenB)).as("B's old token").isEmpty();
        assertThat(active(newB)).isPresent();
        assertThat(active(tokenA)).as("A's token").isPresent();
    }

    @Test
    void aFileWithAValidTokenIsKept(@TempDir Path data) throws Exception {
        Path file = data.resolve("local-runner.token");
        new LocalRunnerToken(tokens, file.toString()).run(null);
        String first = Files.readString(file);

        new LocalRunnerToken(tokens, file.toString()).run(null);

        assertThat(Files.readString(file)).isEqualTo(first);
        assertThat(active(first.strip())).isPresent();
    }

    private Optional<RunnerInfo> active(String token) {
        return tokens.findByToken(token).filter(r -> !r.revoked());
    }
}
