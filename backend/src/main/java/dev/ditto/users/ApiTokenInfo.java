package dev.ditto.users;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What is stored about a personal API token (never the token): whose it is, its name and role, the first characters
 * of the token ({@code prefix}) to tell it apart, when it was made (and by whom), expires, was last used and revoked.
 * {@code state} is {@code active}, {@code expired} or {@code revoked} as of when it was read.
 */
public record ApiTokenInfo(long id, String owner, String name, Role role, String prefix, @Nullable String createdBy,
                           Instant createdAt, @Nullable Instant expiresAt, @Nullable Instant lastUsedAt,
                           @Nullable Instant revokedAt, String state) {

    ApiTokenInfo(long id, String owner, String name, Role role, String prefix, @Nullable String createdBy,
                 Instant createdAt, @Nullable Instant expiresAt, @Nullable Instant lastUsedAt,
                 @Nullable Instant revokedAt, Instant now) {
        this(id, owner, name, role, prefix, createdBy, createdAt, expiresAt, lastUsedAt, revokedAt,
                revokedAt != null ? "revoked" : expiresAt != null && !expiresAt.isAfter(now) ? "expired" : "active");
    }

    public boolean active() {
        return state.equals("active");
    }
}
