package dev.ditto.runners;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A runner as admins see it: its token's hint (never the token), what it registered, and its record. */
public record RunnerInfo(long id, String name, String tokenHint, @Nullable String host, List<String> stages,
                         @Nullable String version, Instant createdAt, @Nullable Instant registeredAt,
                         @Nullable Instant lastSeenAt, @Nullable Instant revokedAt, long jobsDone, long jobsFailed) {
    public RunnerInfo {
        stages = List.copyOf(stages);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
